using System.CommandLine;
using Vigil.Core.Config;
using Vigil.Core.Routing;
using Vigil.Server;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil check-config</c>: loads the config exactly as <c>vigil serve</c> would — the same file, the same loader,
/// every section and the files it refers to — without a server or database, like <c>amtool check-config</c>. Run it
/// before a reload or a restart: a reload keeps the old config on an error, a start stops on one.
/// </summary>
public static class CheckConfigCommand
{
    public static Command Create(CliContext context)
    {
        var config = new Option<string?>("--config")
        {
            Description = "The YAML configuration file (default: DIR/vigil.yml, as for 'vigil serve')",
            HelpName = "FILE",
        };
        var dataDir = new Option<string>("--data-dir")
        {
            Description = "The data directory whose vigil.yml 'vigil serve' would load when --config is not given",
            HelpName = "DIR",
            DefaultValueFactory = _ => "./data",
        };
        var command = new Command("check-config",
            "Check a configuration file as 'vigil serve' would load it (every section and the files it names); " +
            "exit 0 when valid, 2 with every error (file:line:column) when not")
        {
            config, dataDir,
        };
        command.SetAction(async (result, _) =>
        {
            var file = result.GetValue(config);
            var path = VigilServer.ResolveConfigFile(new ServeOptions(
                DataDirectory: result.GetValue(dataDir)!,
                ConfigFile: string.IsNullOrWhiteSpace(file) ? null : file));
            if (path is null)
            {
                throw new UsageException($"there is no {Path.Combine(result.GetValue(dataDir)!, "vigil.yml")} to check ('vigil serve' would " +
                    "run with the built-in defaults); give --config FILE or --data-dir DIR");
            }
            VigilConfig loaded;
            try
            {
                loaded = ConfigLoader.Load(path);
            }
            catch (ConfigException ex)
            {
                await context.Error.WriteLineAsync($"{path}: INVALID ({Count(ex.Errors.Count, "error")})").ConfigureAwait(false);
                foreach (var error in ex.Errors)
                {
                    await context.Error.WriteLineAsync("  " + error).ConfigureAwait(false);
                }
                return ExitCodes.Usage;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"cannot read {path}: {ex.Message}");
            }
            await context.Out.WriteLineAsync(Summary(path, loaded)).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Summary(string path, VigilConfig config) => string.Join(Environment.NewLine,
        $"{path}: SUCCESS",
        "Found:",
        " - " + Count(config.Receivers.Count, "receiver"),
        " - " + Count(RouteCount(config.Route), "route") + " (with the root)",
        " - " + Count(config.InhibitRules.Count, "inhibit rule"),
        " - " + Count(config.TimeIntervals.Count, "time interval"),
        " - " + Count(config.Slos.Catalog.Slos.Count(), "SLO"),
        " - " + Count(config.Logs.Sources.Count, "log source"),
        " - " + Count(config.Metrics.Sources.Count, "metric source"));

    private static int RouteCount(Route route) => 1 + route.Routes.Sum(RouteCount);

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
