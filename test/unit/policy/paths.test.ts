// Conformance checklist docs/reference.md#conformance-cases (AbsolutePathBuf) for the lexical helpers in lib/policy/paths.ts.
import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../../lib/policy/public-entry';
import { parsePermissionProfile } from '../../../lib/policy/parse-policy';
import {
  ancestors,
  expandHome,
  filesystemRoot,
  isAbsolutePath,
  isWithin,
  normalizeAbsolute,
  parentPath,
  pathDepth,
  relativeSuffix,
  resolveAgainstBase,
} from '../../../lib/policy/paths';
import { fakeHost } from './fake-host';

describe('paths (docs/reference.md#absolute-paths)', () => {
  it('create_with_absolute_path_ignores_base_path', () => {
    expect(resolveAgainstBase('/abs/file', '/base', undefined)).toBe('/abs/file');
  });

  it('relative_path_is_resolved_against_base_path', () => {
    expect(resolveAgainstBase('file.txt', '/base', undefined)).toBe('/base/file.txt');
  });

  it('relative_path_dots_are_normalized_against_base_path', () => {
    expect(resolveAgainstBase('./nested/../file.txt', '/base', undefined)).toBe('/base/file.txt');
  });

  it('guard_used_in_deserialization: a relative policy path is resolved against the cwd-free wire rule (rejected)', () => {
    expect(() =>
      parsePermissionProfile({
        type: 'managed',
        file_system: { type: 'restricted', entries: [{ path: { type: 'path', path: 'rel/x' }, access: 'read' }] },
        network: 'restricted',
      }),
    ).toThrow(/AbsolutePathBuf deserialized without a base path/);
  });

  it('nested_guards_restore_deserialization_base: a relative cwd resolves against the process cwd, an absolute one is kept', () => {
    const host = fakeHost({ cwd: '/outer' });
    const policy = { fileSystem: { kind: 'restricted' as const, entries: [] }, network: 'restricted' as const };
    expect(resolvePolicy(policy, { cwd: 'inner', host }).cwd).toBe('/outer/inner');
    expect(resolvePolicy(policy, { cwd: '/elsewhere', host }).cwd).toBe('/elsewhere');
  });

  it('home_directory_root_is_expanded_in_deserialization', () => {
    expect(expandHome('~', '/home/u')).toBe('/home/u');
  });

  it('home_directory_subpath_is_expanded_in_deserialization', () => {
    expect(expandHome('~/code', '/home/u')).toBe('/home/u/code');
  });

  it('home_directory_double_slash_is_expanded_in_deserialization', () => {
    expect(expandHome('~//code', '/home/u')).toBe('/home/u/code');
  });

  it('home_directory_backslash_subpath_is_expanded_in_deserialization', () => {
    expect(expandHome('~\\code', '/home/u')).toBe('/home/u/code');
  });

  it('~user and unknown home are left alone', () => {
    expect(expandHome('~bob/x', '/home/u')).toBe('~bob/x');
    expect(expandHome('~/x', undefined)).toBe('~/x');
  });

  it('from_absolute_path_checked_rejects_relative_path', () => {
    expect(isAbsolutePath('relative/path')).toBe(false);
    expect(isAbsolutePath('/abs')).toBe(true);
  });

  it('relative_base_cannot_construct_an_absolute_path', () => {
    expect(() => resolveAgainstBase('x', 'relative-base', undefined)).toThrow(/path base must be absolute/);
  });

  it('parent_of_absolute_path_is_absolute', () => {
    expect(parentPath('/tmp/one')).toBe('/tmp');
    expect(parentPath('/tmp')).toBe('/');
  });

  it('root_has_no_parent', () => {
    expect(parentPath('/')).toBeUndefined();
  });

  it('ancestors_returns_absolute_path_bufs', () => {
    expect(ancestors('/tmp/one/two')).toEqual(['/tmp/one/two', '/tmp/one', '/tmp', '/']);
  });

  it('normalizeAbsolute removes dots, repeated and trailing slashes; .. stops at the root', () => {
    expect(normalizeAbsolute('/a/./b//c/')).toBe('/a/b/c');
    expect(normalizeAbsolute('/a/b/../../..')).toBe('/');
    expect(normalizeAbsolute('/../x')).toBe('/x');
  });

  it('isWithin is component-wise: /a/bc is not within /a/b', () => {
    expect(isWithin('/a/b/c', '/a/b')).toBe(true);
    expect(isWithin('/a/b', '/a/b')).toBe(true);
    expect(isWithin('/a/bc', '/a/b')).toBe(false);
    expect(isWithin('/anything', '/')).toBe(true);
  });

  it('pathDepth counts the root as one component', () => {
    expect(pathDepth('/')).toBe(1);
    expect(pathDepth('/a')).toBe(2);
    expect(pathDepth('/a/b/c')).toBe(4);
  });

  it('relativeSuffix gives the part below the parent', () => {
    expect(relativeSuffix('/a/b/c', '/a')).toBe('b/c');
    expect(relativeSuffix('/a', '/a')).toBe('');
    expect(relativeSuffix('/x', '/a')).toBeUndefined();
    expect(relativeSuffix('/a/b', '/')).toBe('a/b');
  });

  it('windows_absolute_path_recognizes_drive_and_unc_forms (without breaking POSIX helpers)', () => {
    expect(isAbsolutePath('C:\\Users\\u')).toBe(true);
    expect(isAbsolutePath('C:/Users/u')).toBe(true);
    expect(isAbsolutePath('\\\\server\\share\\x')).toBe(true);
    expect(normalizeAbsolute('C:\\a\\.\\b\\..\\c\\')).toBe('C:\\a\\c');
    expect(filesystemRoot('C:\\a\\b')).toBe('C:\\');
    expect(pathDepth('C:\\a\\b')).toBe(3);
    expect(isWithin('C:\\a\\b', 'C:\\a')).toBe(true);
  });

  it('native_paths_do_not_rewrite_foreign_windows_prefixes (Unix)', () => {
    expect(normalizeAbsolute('/\\\\?\\C:/x')).toBe('/\\\\?\\C:/x');
  });
});
