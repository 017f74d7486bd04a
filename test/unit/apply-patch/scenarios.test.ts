// The 23 scenarios of docs/reference.md#conformance-cases, run as the reference's runner does: copy
// input/ into a fresh directory, run apply_patch with patch.txt as its argument there, ignore the
// status, and compare the whole tree (files and directories) with expected/.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

import { applyPatchMain } from '../../../lib/arg0/apply-patch-main';
import { runPatchEntry } from '../../helpers/apply-patch-entry';
import { withTempDir } from '../../helpers/temp';
import { copyTree, snapshotTree } from './tree';

const FIXTURES = resolve(__dirname, '../../fixtures/apply-patch');
const scenarios = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

// The reference's expected stdout/stderr for the scenarios whose output is part of the contract.
const OUTPUT: Record<string, { status: number; stdout: string; stderr?: RegExp }> = {
  '001_add_file': { status: 0, stdout: 'Success. Updated the following files:\nA bar.md\n' },
  '002_multiple_operations': {
    status: 0,
    stdout: 'Success. Updated the following files:\nA nested/new.txt\nM modify.txt\nD delete.txt\n',
  },
  '004_move_to_new_directory': { status: 0, stdout: 'Success. Updated the following files:\nM renamed/dir/name.txt\n' },
  '005_rejects_empty_patch': { status: 1, stdout: '', stderr: /^No files were modified\.\n$/ },
  '006_rejects_missing_context': { status: 1, stdout: '', stderr: /^Failed to find expected lines in \/.*\/modify\.txt:\nmissing\n$/ },
  '007_rejects_missing_file_delete': { status: 1, stdout: '', stderr: /^Failed to delete file \/.*\/missing\.txt\n$/ },
  '008_rejects_empty_update_hunk': {
    status: 1,
    stdout: '',
    stderr: /^Invalid patch hunk on line 2: Update file hunk for path 'foo\.txt' is empty\n$/,
  },
  '009_requires_existing_file_for_update': {
    status: 1,
    stdout: '',
    stderr: /^Failed to read file to update \/.*\/missing\.txt: No such file or directory \(os error 2\)\n$/,
  },
  '012_delete_directory_fails': { status: 1, stdout: '', stderr: /^Failed to delete file \/.*\/dir\n$/ },
  '013_rejects_invalid_hunk_header': {
    status: 1,
    stdout: '',
    stderr:
      /^Invalid patch hunk on line 2: '\*\*\* Frobnicate File: foo' is not a valid hunk header\. Valid hunk headers: '\*\*\* Add File: \{path\}', '\*\*\* Delete File: \{path\}', '\*\*\* Update File: \{path\}'\n$/,
  },
  '015_failure_after_partial_success_leaves_changes': {
    status: 1,
    stdout: '',
    stderr: /^Failed to read file to update \/.*\/missing\.txt: No such file or directory \(os error 2\)\n$/,
  },
};

describe('apply_patch fixture scenarios', () => {
  it('all 23 scenarios of the reference are present', () => {
    expect(scenarios).toHaveLength(23);
  });

  for (const name of scenarios) {
    it(`scenario ${name}: the tree after apply_patch equals expected/`, async () => {
      await withTempDir(async (dir) => {
        copyTree(join(FIXTURES, name, 'input'), dir);
        const patch = readFileSync(join(FIXTURES, name, 'patch.txt'), 'utf8');
        const { status, stdout, stderr } = await runPatchEntry(applyPatchMain, patch, dir);
        expect(snapshotTree(dir)).toEqual(snapshotTree(join(FIXTURES, name, 'expected')));
        const want = OUTPUT[name];
        if (want !== undefined) {
          expect(status).toBe(want.status);
          expect(stdout).toBe(want.stdout);
          if (want.stderr !== undefined) expect(stderr).toMatch(want.stderr);
        } else {
          expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
          expect(stdout).toMatch(/^Success\. Updated the following files:\n/);
        }
      }, 'scenario');
    });
  }
});
