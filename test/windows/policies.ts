// The policy the Windows launch tests run: full read, the workspace writable, network enabled,
// which the restricted-token backend enforces without any setup.
export const WORKSPACE_WITH_NETWORK = {
  type: 'managed',
  file_system: {
    type: 'restricted',
    entries: [
      { path: { type: 'special', value: { kind: 'root' } }, access: 'read' },
      { path: { type: 'special', value: { kind: 'project_roots' } }, access: 'write' },
    ],
  },
  network: 'enabled',
};
