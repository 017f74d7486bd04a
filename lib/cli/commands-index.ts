// cli/commands-index: one line per subcommand. Each loads its module only when invoked.
import { registerCommand } from './main';

// Commands are added as: registerCommand('<name>', () => require('./commands/<name>').<name>Command);
registerCommand('run', () => require('./commands/run').runCommand);
registerCommand('plan', () => require('./commands/plan').planCommand);
registerCommand('doctor', () => require('./commands/doctor').doctorCommand);
registerCommand('codex-linux-sandbox', () => require('./linux-sandbox-entry').linuxSandboxCommand);
registerCommand('explain', () => require('./commands/explain').explainCommand);
registerCommand('config', () => require('./commands/config').configCommand);
registerCommand('apply-patch', () => require('./commands/apply-patch').applyPatchCommand);
