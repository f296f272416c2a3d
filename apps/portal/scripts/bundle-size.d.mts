export declare const BUDGET_BYTES: number;
export declare function bundleSizes(dist: string): { files: { path: string; gzipped: number }[]; total: number };
