-- Pauses a destination (KEYS[1]) for `pauseMs` unless it is already paused for longer; returns the pause left.
return extendPause(KEYS[1], num('pauseMs'))
