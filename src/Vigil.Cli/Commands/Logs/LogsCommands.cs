using System.CommandLine;

namespace Vigil.Cli.Commands.Logs;

/// <summary><c>vigil logs mine|score|accuracy|bench</c>: offline log template mining (no server needed).</summary>
public static class LogsCommands
{
    public static Command Create(CliContext context)
    {
        var logs = new Command("logs", "Mine log templates offline, score them against Loghub ground truth, benchmark the miner");
        logs.Subcommands.Add(MineCommand.Create(context));
        logs.Subcommands.Add(ScoreCommand.Create(context));
        logs.Subcommands.Add(AccuracyCommand.Create(context));
        logs.Subcommands.Add(BenchCommand.Create(context));
        return logs;
    }
}
