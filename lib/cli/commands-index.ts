// cli/commands-index: one line per subcommand. Each loads its module only when invoked.
import { registerCommand } from './registry';

registerCommand('run', async () => (await import('./commands/run.js')).runCommand);
registerCommand('plan', async () => (await import('./commands/plan.js')).planCommand);
registerCommand('doctor', async () => (await import('./commands/doctor.js')).doctorCommand);
registerCommand('codex-linux-sandbox', async () => (await import('./linux-sandbox-entry.js')).linuxSandboxCommand);
registerCommand('explain', async () => (await import('./commands/explain.js')).explainCommand);
registerCommand('config', async () => (await import('./commands/config.js')).configCommand);
registerCommand('apply-patch', async () => (await import('./commands/apply-patch.js')).applyPatchCommand);
registerCommand('windows-setup', async () => (await import('./commands/windows-setup.js')).windowsSetupCommand);
