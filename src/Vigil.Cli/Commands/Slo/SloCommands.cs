using System.CommandLine;
using Vigil.Core.Slo.OpenSlo;
using Vigil.Core.Slo.Rules;

namespace Vigil.Cli.Commands.Slo;

/// <summary><c>vigil slo validate|rules|bench</c>: offline tools for OpenSLO v1 files (no server needed) and the evaluation cost.</summary>
public static class SloCommands
{
    /// <summary>The files are readable but hold errors (exit 1, like a refused request).</summary>
    public const int InvalidExitCode = ExitCodes.ServerRefused;

    public static Command Create(CliContext context)
    {
        var slo = new Command("slo", "Check OpenSLO v1 files and turn them into Prometheus rules");
        slo.Subcommands.Add(Validate(context));
        slo.Subcommands.Add(Rules(context));
        slo.Subcommands.Add(SloBenchCommand.Create(context));
        return slo;
    }

    private static Argument<string[]> Files() => new("FILE")
    {
        Description = "OpenSLO v1 YAML files (several documents each; references may cross files)",
        Arity = ArgumentArity.OneOrMore,
    };

    private static Command Validate(CliContext context)
    {
        var files = Files();
        var command = new Command("validate", "Report every error in OpenSLO files as file:line:column; exit 1 if there is any") { files };
        command.SetAction(async (result, ct) =>
        {
            var paths = result.GetValue(files)!;
            var catalog = OpenSloCatalog.Load(paths);
            if (await ReportErrors(context, catalog).ConfigureAwait(false))
            {
                return InvalidExitCode;
            }
            var slos = catalog.Slos.Count();
            await context.Out.WriteLineAsync(
                $"{paths.Length} {Plural(paths.Length, "file")} valid: {catalog.Objects.Count} {Plural(catalog.Objects.Count, "object")}, {slos} {Plural(slos, "SLO")}").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Rules(CliContext context)
    {
        var files = Files();
        var prefix = new Option<string>("--label-prefix")
        {
            Description = "Prefix of the identifying labels (sloth keeps Sloth's dashboards working)",
            HelpName = "sloth|vigil",
            DefaultValueFactory = _ => "sloth",
        };
        prefix.AcceptOnlyFromAmong("sloth", "vigil");
        var command = new Command("rules", "Write Prometheus recording and multi-window burn-rate alerting rules (Sloth-compatible) to stdout")
        {
            files, prefix,
        };
        command.SetAction(async (result, ct) =>
        {
            var catalog = OpenSloCatalog.Load(result.GetValue(files)!);
            if (await ReportErrors(context, catalog).ConfigureAwait(false))
            {
                return InvalidExitCode;
            }
            var rules = PrometheusRuleGenerator.Generate(catalog, result.GetValue(prefix)!);
            if (rules.Problems.Count > 0)
            {
                foreach (var problem in rules.Problems)
                {
                    await context.Error.WriteLineAsync("error: " + problem).ConfigureAwait(false);
                }
                return InvalidExitCode;
            }
            await context.Out.WriteAsync(rules.Yaml).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<bool> ReportErrors(CliContext context, OpenSloCatalog catalog)
    {
        foreach (var error in catalog.Errors)
        {
            await context.Error.WriteLineAsync(error.ToString()).ConfigureAwait(false);
        }
        if (catalog.Errors.Count > 0)
        {
            await context.Error.WriteLineAsync($"{catalog.Errors.Count} {Plural(catalog.Errors.Count, "error")}").ConfigureAwait(false);
        }
        return catalog.Errors.Count > 0;
    }

    private static string Plural(int count, string noun) => count == 1 ? noun : noun + "s";
}
