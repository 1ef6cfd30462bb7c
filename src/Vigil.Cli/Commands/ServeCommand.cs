using System.CommandLine;
using Vigil.Core.Config;
using Vigil.Server;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil serve</c>: runs the server in this process.</summary>
public static class ServeCommand
{
    public static Command Create(CliContext context)
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Listen URLs separated by ';' (env ASPNETCORE_URLS)",
            HelpName = "URLS",
            DefaultValueFactory = _ => context.GetEnvironment("ASPNETCORE_URLS") ?? "http://127.0.0.1:8080",
        };
        var dataDir = new Option<string>("--data-dir")
        {
            Description = "Directory for the SQLite database and the default config file vigil.yml",
            HelpName = "DIR",
            DefaultValueFactory = _ => "./data",
        };
        var database = new Option<string?>("--database")
        {
            Description = "PostgreSQL connection string (Host=...;Database=... or postgres://...); SQLite in --data-dir when absent (env VIGIL_DATABASE)",
            HelpName = "CONNSTR",
        };
        var config = new Option<string?>("--config")
        {
            Description = "YAML configuration file (default: DIR/vigil.yml when present, else built-in defaults)",
            HelpName = "FILE",
        };
        var demo = new Option<bool>("--demo")
        {
            Description = "Seed a simulated environment into an empty data directory and run without authentication (loopback only)",
        };

        var command = new Command("serve", "Run the Vigil server (API, alert pipeline and web UI) until stopped with Ctrl+C")
        {
            urls, dataDir, database, config, demo,
        };
        command.SetAction((result, ct) =>
        {
            var options = new ServeOptions(
                Urls: result.GetValue(urls)!,
                DataDirectory: result.GetValue(dataDir)!,
                Database: NullIfEmpty(result.GetValue(database) ?? context.GetEnvironment("VIGIL_DATABASE")),
                ConfigFile: NullIfEmpty(result.GetValue(config)),
                Demo: result.GetValue(demo));
            return RunAsync(context, options, ct);
        });
        return command;
    }

    /// <summary>Runs the server, turning a failed start into the exit code that says whose fault it is.</summary>
    private static async Task<int> RunAsync(CliContext context, ServeOptions options, CancellationToken ct)
    {
        // A file where the data directory should be was .NET's bare "The file ... already exists" with exit 1.
        if (options.Database is null && StoreFactory.DataDirectoryProblem(options.DataDirectory) is { } problem)
        {
            throw new UsageException(problem);
        }
        try
        {
            return await context.RunServer(options, ct).ConfigureAwait(false);
        }
        catch (ConfigException ex)
        {
            // Every problem with its file:line:column; the operator fixes the file (exit 2, like a bad option).
            throw new CliException(ExitCodes.Usage, ex.Message, ex);
        }
        catch (ServeOptionsException ex)
        {
            throw new CliException(ExitCodes.Usage, ex.Message, ex);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            // Not Ctrl+C: the host stopped itself while starting (a background service failed), and its log says why.
            throw new CliException(ExitCodes.ServeFailed, "the server stopped while starting; the log above says why", ex);
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
