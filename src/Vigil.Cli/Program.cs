using Vigil.Cli;

return await CliApp.RunAsync(args, CliContext.FromProcess());
