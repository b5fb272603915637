export function denoExecutable(): string;
export function notebookModule(notebookPath: string): string;
export function runNotebook(notebookFile: string): { status: number | null; stdout: string; stderr: string };
