import type { ASTNode } from '@marcbachmann/cel-js';
import safeRegex from 'safe-regex2';
import type { SourceIssue } from './source-position';

/** The macros that loop over a list or map. */
const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

/**
 * The cost rule of filters, on top of the parser's structural limits: no
 * comprehension inside another one, so one evaluation is linear in the size of
 * the event; and a `matches` pattern must be a string literal that cannot
 * backtrack catastrophically (the evaluator uses JavaScript's backtracking
 * RegExp, where `(a+)+$` takes exponential time). Returns the first problem.
 */
export function filterCostProblem(root: ASTNode): SourceIssue | null {
  let problem: SourceIssue | null = null;
  const visit = (node: ASTNode, insideComprehension: boolean): void => {
    if (problem) return;
    if (node.op === 'rcall' || node.op === 'call') {
      const name = node.args[0];
      if (node.op === 'rcall' && COMPREHENSIONS.has(name)) {
        if (insideComprehension) {
          problem = { message: `${name}() inside another comprehension is too costly for a filter`, node };
          return;
        }
        visit(node.args[1], false);
        for (const arg of node.args[2]) visit(arg, true);
        return;
      }
      if (name === 'matches') problem = regexProblem(node);
    }
    for (const child of childrenOf(node)) visit(child, insideComprehension);
  };
  visit(root, false);
  return problem;
}

function regexProblem(node: ASTNode & { op: 'rcall' | 'call' }): SourceIssue | null {
  const args = node.op === 'rcall' ? node.args[2] : node.args[1].slice(1);
  const pattern = args[0];
  if (pattern?.op !== 'value' || typeof pattern.args !== 'string') {
    return { message: 'matches() takes a string literal as its pattern in a filter', node };
  }
  if (!safeRegex(pattern.args)) {
    return {
      message: 'matches() pattern nests repetitions (like (a+)+) and could take exponential time',
      node: pattern,
    };
  }
  return null;
}

function childrenOf(node: ASTNode): ASTNode[] {
  switch (node.op) {
    case 'value':
    case 'id':
      return [];
    case '.':
    case '.?':
      return [node.args[0]];
    case '!_':
    case '-_':
      return [node.args];
    case 'call':
      return node.args[1];
    case 'rcall':
      return [node.args[1], ...node.args[2]];
    case 'list':
      return node.args;
    case 'map':
      return node.args.flat();
    default:
      return [...(node.args as ASTNode[])];
  }
}
