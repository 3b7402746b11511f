// The program in force: the config's file until the cloud sends one; the cloud's wins once received
// and is kept on disk so a restart offline still uses it.
import { readFile } from 'node:fs/promises';
import { parseProgram } from '../domain/index.js';
import type { Program } from '../domain/types.js';
import type { StateStore } from './ports.js';

export interface StoredProgram {
  raw: unknown | null;
}

export class ProgramHolder {
  private listeners = new Set<(p: Program) => void>();

  private constructor(
    private program: Program,
    private readonly store: StateStore<StoredProgram> | null,
  ) {}

  static async load(file: string, store: StateStore<StoredProgram> | null): Promise<ProgramHolder> {
    const saved = store?.read().raw;
    if (saved) {
      try {
        return new ProgramHolder(parseProgram(saved), store);
      } catch {
        // A saved program that no longer validates falls back to the file below.
      }
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new Error(`cannot read the program file ${file}: ${(err as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`the program file ${file} is not valid JSON: ${(err as Error).message}`);
    }
    return new ProgramHolder(parseProgram(json), store);
  }

  static fixed(program: Program): ProgramHolder {
    return new ProgramHolder(program, null);
  }

  current(): Program {
    return this.program;
  }

  /** A program from the cloud: validated by the caller, stored durably, then used. */
  async replace(program: Program, raw: unknown): Promise<void> {
    if (this.store) {
      await this.store.update((d) => {
        d.raw = raw;
      });
    }
    this.program = program;
    for (const l of this.listeners) l(program);
  }

  onChange(cb: (p: Program) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
}
