using System.CommandLine;
using Vigil.Core.Config;
using Vigil.Core.Slo.Alerting;
using Vigil.Core.Slo.Evaluation;
using Vigil.Core.Slo.OpenSlo;
using Vigil.Core.Slo.Rules;
using Vigil.Server.Metrics;
using Vigil.Server.Slo;

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
        var prometheus = new Option<string>("--prometheus")
        {
            Description = "Also run every Prometheus SLI's per-minute queries against this Prometheus (DataSource urls win, as in the server) "
                + "and report those it rejects",
            HelpName = "URL",
        };
        var command = new Command("validate", "Report every error in OpenSLO files as file:line:column; exit 1 if there is any") { files, prometheus };
        command.SetAction(async (result, ct) =>
        {
            var paths = result.GetValue(files)!;
            var catalog = OpenSloCatalog.Load(paths);
            if (await ReportErrors(context, catalog).ConfigureAwait(false))
            {
                return InvalidExitCode;
            }
            var queried = "";
            if (result.GetValue(prometheus) is { } text)
            {
                if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                {
                    await context.Error.WriteLineAsync($"error: --prometheus \"{text}\" must be an http(s) URL such as http://prometheus:9090").ConfigureAwait(false);
                    return ExitCodes.Usage;
                }
                var (checkedSlis, errors) = await CheckPrometheusAsync(catalog, url, ct).ConfigureAwait(false);
                if (await ReportErrors(context, errors).ConfigureAwait(false))
                {
                    return InvalidExitCode;
                }
                queried = $"; {checkedSlis} Prometheus {Plural(checkedSlis, "SLI")} queried without errors";
            }
            var slos = catalog.Slos.Count();
            await context.Out.WriteLineAsync(
                $"{paths.Length} {Plural(paths.Length, "file")} valid: {catalog.Objects.Count} {Plural(catalog.Objects.Count, "object")}, {slos} {Plural(slos, "SLO")}{queried}").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// Shapes each Prometheus SLI's queries as the server would and runs them over the last complete minute, so
    /// PromQL that Prometheus rejects (a typo in a function, a bad matcher) is an error at the SLO before deploying.
    /// </summary>
    private static async Task<(int Checked, List<ConfigError> Errors)> CheckPrometheusAsync(OpenSloCatalog catalog, Uri url, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var reader = new PrometheusSliReader(http);
        var last = MinuteRing.MinuteOf(DateTimeOffset.UtcNow) - 1;
        var errors = new List<ConfigError>();
        var count = 0;
        foreach (var slo in catalog.Slos)
        {
            if (catalog.IndicatorOf(slo) is not { } indicator || !PrometheusSli.Reads(indicator, catalog))
            {
                continue;
            }
            count++;
            var (sli, problem) = PrometheusSli.For(slo, indicator, catalog, url);
            if (sli is null)
            {
                errors.Add(catalog.ErrorAt(slo, $"SLO \"{slo.Name}\" {problem}"));
                continue;
            }
            try
            {
                await reader.ReadAsync(sli, last, last, ct).ConfigureAwait(false);
            }
            catch (PrometheusQueryException ex)
            {
                errors.Add(catalog.ErrorAt(slo, $"SLO \"{slo.Name}\": {ex.Message}"));
            }
        }
        return (count, errors);
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
            var problems = PrometheusRuleGenerator.Problems(catalog);
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await context.Error.WriteLineAsync("error: " + problem).ConfigureAwait(false);
                }
                return InvalidExitCode;
            }
            // Written as generated, one objective at a time: holding the whole output took gigabytes for many SLOs.
            PrometheusRuleGenerator.Write(catalog, context.Out, result.GetValue(prefix)!);
            await context.Out.FlushAsync(ct).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Task<bool> ReportErrors(CliContext context, OpenSloCatalog catalog) => ReportErrors(context, catalog.Errors);

    private static async Task<bool> ReportErrors(CliContext context, IReadOnlyList<ConfigError> errors)
    {
        foreach (var error in errors)
        {
            await context.Error.WriteLineAsync(error.ToString()).ConfigureAwait(false);
        }
        if (errors.Count > 0)
        {
            await context.Error.WriteLineAsync($"{errors.Count} {Plural(errors.Count, "error")}").ConfigureAwait(false);
        }
        return errors.Count > 0;
    }

    private static string Plural(int count, string noun) => count == 1 ? noun : noun + "s";
}
