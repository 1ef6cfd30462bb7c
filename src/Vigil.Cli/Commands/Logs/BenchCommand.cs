using System.CommandLine;

namespace Vigil.Cli.Commands.Logs;

/// <summary><c>vigil logs bench</c>: throughput, allocations and memory of the miner (filled in below).</summary>
internal static class BenchCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("bench", "Benchmark the miner");
        command.SetAction((result, ct) => Task.FromResult(ExitCodes.Success));
        _ = context;
        return command;
    }
}
