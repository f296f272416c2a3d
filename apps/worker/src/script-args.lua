-- The start of every script (see redis-script.ts): its arguments come as
-- name, value pairs, read by name. `args.name` is a value as sent,
-- `num('name')` a number, `numbers('name')` a comma-separated list of numbers.
local args = {}
for i = 1, #ARGV, 2 do args[ARGV[i]] = ARGV[i + 1] end

local function num(name)
  local value = tonumber(args[name])
  if value == nil then error('script argument ' .. name .. ' is not a number') end
  return value
end

local function numbers(name)
  if args[name] == nil then error('script argument ' .. name .. ' is missing') end
  local list = {}
  for item in string.gmatch(args[name], '[^,]+') do list[#list + 1] = tonumber(item) end
  return list
end
