import { basename } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { TRUTH_IDS } from '../truths/benchmark-report.ts';

/** Runs the specs in the plan's order: each spec file is named after its truth. */
export class TruthSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = (TRUTH_IDS as readonly string[]).indexOf(basename(file.moduleId).replace(/\.spec\.ts$/, ''));
      return index === -1 ? TRUTH_IDS.length : index;
    };
    return [...files].sort((a, b) => rank(a) - rank(b));
  }
}
