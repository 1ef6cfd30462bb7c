using System.CommandLine;
using Vigil.Cli.Api;
using Vigil.Core.Matching;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil alerts list</c>.</summary>
public static class AlertsCommands
{
    public static Command Create(CliContext context)
    {
        var alerts = new Command("alerts", "Inspect alerts (Alertmanager API v2)");
        alerts.Subcommands.Add(List(context));
        return alerts;
    }

    private static Command List(CliContext context)
    {
        var filter = new Option<string[]>("--filter", "-f")
        {
            Description = "Only alerts matching this label matcher, e.g. severity=critical, job=~\"api.*\", env!=dev (repeatable)",
            HelpName = "MATCHER",
        };
        var silenced = new Option<bool>("--silenced") { Description = "Also show silenced alerts" };
        var inhibited = new Option<bool>("--inhibited") { Description = "Also show inhibited alerts" };
        var all = new Option<bool>("--all", "-a") { Description = "Show every alert: active, silenced, inhibited and unprocessed" };

        var command = new Command("list", "List current alerts (by default only active ones: not silenced, not inhibited)")
        {
            filter, silenced, inhibited, all,
        };
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            var filters = new List<string>();
            foreach (var text in result.GetValue(filter) ?? [])
            {
                filters.AddRange(ParseMatchers(text).Select(m => m.ToString()));
            }
            var everything = result.GetValue(all);
            var query = new AlertQuery(
                filters,
                Active: true,
                Silenced: everything || result.GetValue(silenced),
                Inhibited: everything || result.GetValue(inhibited),
                Unprocessed: everything);
            using var api = client.CreateClient(result);
            var response = await api.GetAlertsAsync(query, ct).ConfigureAwait(false);
            if (client.IsJson(result))
            {
                Output.Json(context, response.Json);
                return ExitCodes.Success;
            }
            if (response.Value.Count == 0)
            {
                await context.Out.WriteLineAsync("No alerts.").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            var table = Output.NewTable("ALERTNAME", "SEVERITY", "STATE", "STARTS", "SUMMARY", "LABELS");
            foreach (var alert in response.Value.OrderBy(a => a.StartsAt))
            {
                var others = alert.Labels?.Where(l => l.Key is not ("alertname" or "severity"))
                    .ToDictionary(l => l.Key, l => l.Value);
                table.AddPlainRow(
                    Output.Get(alert.Labels, "alertname"),
                    Output.Get(alert.Labels, "severity"),
                    alert.Status?.State ?? "",
                    Output.Time(alert.StartsAt),
                    Output.Get(alert.Annotations, "summary"),
                    Output.Labels(others));
            }
            context.Console.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Parses one command-line matcher argument (possibly a {a="1",b="2"} list); bad input is a usage error.</summary>
    internal static IReadOnlyList<Matcher> ParseMatchers(string text)
    {
        try
        {
            var matchers = MatcherParser.ParseList(text);
            return matchers.Count > 0 ? matchers : throw new UsageException($"empty matcher \"{text}\"");
        }
        catch (MatcherException ex)
        {
            throw new UsageException($"invalid matcher: {ex.Message}");
        }
    }
}
