using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Vigil.Cli.Commands;
using Vigil.Cli.Commands.Logs;
using Vigil.Cli.Commands.Slo;

namespace Vigil.Cli;

/// <summary>Builds the <c>vigil</c> command tree and runs it, mapping every failure to an exit code.</summary>
public static class CliApp
{
    public static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand(
            "Vigil: an Alertmanager-compatible alert pipeline with incidents.\n" +
            "Run the server with 'vigil serve'; the other commands talk to a running server over HTTP.\n" +
            "Exit codes: 0 success, 1 the server refused the request (or 'serve' failed), 2 usage or configuration error, " +
            $"3 cannot reach the server, {ExitCodes.Frozen} 'freeze check': the service is change-frozen, " +
            $"{Vigil.Server.Hosting.ServerLeaseWatch.LostExitCode} 'serve' lost its database lease.");
        root.Subcommands.Add(ServeCommand.Create(context));
        root.Subcommands.Add(CheckConfigCommand.Create(context));
        root.Subcommands.Add(AlertsCommands.Create(context));
        root.Subcommands.Add(IncidentsCommands.Create(context));
        root.Subcommands.Add(SilencesCommands.Create(context));
        root.Subcommands.Add(TokensCommands.Create(context));
        root.Subcommands.Add(IntegrationsCommands.Create(context));
        root.Subcommands.Add(LogsCommands.Create(context));
        root.Subcommands.Add(MetricsCommands.Create(context));
        root.Subcommands.Add(SloCommands.Create(context));
        root.Subcommands.Add(FreezeCommands.Create(context));
        root.Subcommands.Add(OnCallCommands.OnCall(context));
        root.Subcommands.Add(OnCallCommands.Schedules(context));
        root.Subcommands.Add(OnCallCommands.Swaps(context));
        root.Subcommands.Add(OnCallCommands.Overrides(context));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken ct = default)
    {
        var root = BuildRoot(context);
        var result = root.Parse(args);
        if (result.Action is ParseErrorAction)
        {
            foreach (var error in result.Errors)
            {
                await context.Error.WriteLineAsync("error: " + error.Message).ConfigureAwait(false);
            }
            await context.Error.WriteLineAsync($"Run '{CommandPath(result.CommandResult)} --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        try
        {
            return await result.InvokeAsync(new InvocationConfiguration
            {
                Output = context.Out,
                Error = context.Error,
                EnableDefaultExceptionHandler = false,
                // No Ctrl+C handling here: 'serve' leaves SIGINT/SIGTERM to the ASP.NET host, which shuts down
                // gracefully in its own time; the client commands simply end.
                ProcessTerminationTimeout = null,
            }, ct).ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            await context.Error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return ex.ExitCode;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync("cancelled").ConfigureAwait(false);
            return 130;
        }
        catch (Exception ex)
        {
            // E.g. the database of 'tokens bootstrap' cannot be opened, or the server fails to start. A cancellation
            // the user did not ask for belongs here too: escaping, it crashed the process (exit 134, a stack trace).
            var detail = context.GetEnvironment("VIGIL_DEBUG") is null ? $"{ex.Message} (set VIGIL_DEBUG=1 for details)" : ex.ToString();
            await context.Error.WriteLineAsync("error: " + detail).ConfigureAwait(false);
            return ExitCodes.ServerRefused;
        }
    }

    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? r = command; r is not null; r = r.Parent)
        {
            if (r is CommandResult c)
            {
                names.Add(c.Command is RootCommand ? "vigil" : c.Command.Name);
            }
        }
        names.Reverse();
        return string.Join(' ', names);
    }
}
