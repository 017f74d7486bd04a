// Config files are decoded with a fatal UTF-8 decoder (issue #20): an invalid byte would become
// U+FFFD and a path in the file would name another file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { decodeConfigText, nodeConfigReader } from '../../../lib/config/reader';
import { isSandboxError } from '../../../lib/errors';
import { withTempDir } from '../../helpers/temp';
import { thrown } from '../../helpers/errors';

describe('config text decoding', () => {
  it('valid UTF-8 decodes as before, a BOM included', () => {
    expect(decodeConfigText(Buffer.from('a = "résumé"\n'), '/c.toml')).toBe('a = "résumé"\n');
    expect(decodeConfigText(Buffer.from('\uFEFFa = 1\n'), '/c.toml')).toBe('\uFEFFa = 1\n');
  });

  it('an invalid byte, a truncated sequence or an encoded surrogate is E_CONFIG_PARSE naming the file', () => {
    for (const bad of [[0xff], [0xc3], [0xed, 0xa0, 0x80]]) {
      const err = thrown(() => decodeConfigText(Buffer.concat([Buffer.from('a = "/x'), Buffer.from(bad), Buffer.from('"\n')]), '/etc/codex/config.toml'));
      expect(isSandboxError(err) && err.code).toBe('E_CONFIG_PARSE');
      expect((err as Error).message).toBe(
        '/etc/codex/config.toml is not valid UTF-8: an invalid byte would decode to U+FFFD and a path in it would name another file; save the file as UTF-8',
      );
    }
  });

  it('the node reader refuses such a file; a missing file is still undefined', async () => {
    await withTempDir((dir) => {
      const file = join(dir, 'config.toml');
      writeFileSync(file, Buffer.from([0x61, 0x3d, 0xff]));
      expect(isSandboxError(thrown(() => nodeConfigReader().readFile(file)))).toBe(true);
      expect(nodeConfigReader().readFile(join(dir, 'missing.toml'))).toBeUndefined();
    });
  });
});
