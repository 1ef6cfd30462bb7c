using System.CommandLine;
using System.Globalization;
using Vigil.Cli.Api;
using Vigil.Core.Matching;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil silences list|add|expire</c> (Alertmanager API v2).</summary>
public static class SilencesCommands
{
    public static Command Create(CliContext context)
    {
        var silences = new Command("silences", "Mute alerts for a while (Alertmanager-compatible silences)");
        silences.Subcommands.Add(List(context));
        silences.Subcommands.Add(Add(context));
        silences.Subcommands.Add(Expire(context));
        return silences;
    }

    private static Command List(CliContext context)
    {
        var expired = new Option<bool>("--expired") { Description = "Also show expired silences" };
        var command = new Command("list", "List active and pending silences") { expired };
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            using var api = client.CreateClient(result);
            var response = await api.GetSilencesAsync(ct).ConfigureAwait(false);
            if (client.IsJson(result))
            {
                Output.Json(context, response.Json);
                return ExitCodes.Success;
            }
            var shown = response.Value
                .Where(s => result.GetValue(expired) || !string.Equals(s.Status?.State, "expired", StringComparison.OrdinalIgnoreCase))
                .OrderBy(s => s.EndsAt)
                .ToList();
            if (shown.Count == 0)
            {
                await context.Out.WriteLineAsync("No silences.").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            var table = Output.NewTable("ID", "MATCHERS", "STATE", "STARTS", "ENDS", "CREATED BY", "COMMENT");
            foreach (var s in shown)
            {
                table.AddPlainRow(s.Id, FormatMatchers(s.Matchers), s.Status?.State, Output.Time(s.StartsAt),
                    Output.Time(s.EndsAt), s.CreatedBy, s.Comment);
            }
            context.Console.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Add(CliContext context)
    {
        var matchers = new Argument<string[]>("MATCHER")
        {
            Description = "Label matchers the alerts must all match: name=value, name!=value, name=~regex, name!~regex " +
                "(quote values with spaces: 'job=\"my job\"'). A first argument without an operator means alertname=ARG.",
            Arity = ArgumentArity.OneOrMore,
        };
        var duration = new Option<string?>("--duration", "-d")
        {
            Description = "How long the silence lasts from now, e.g. 30m, 2h, 1d, 1h30m (default 1h)",
            HelpName = "DURATION",
        };
        var endsAt = new Option<string?>("--ends-at")
        {
            Description = "When the silence ends instead of --duration: ISO 8601, e.g. 2026-01-31T18:00:00Z",
            HelpName = "TIME",
        };
        var comment = new Option<string>("--comment", "-c") { Description = "Why the alerts are silenced", HelpName = "TEXT", Required = true };
        var author = new Option<string>("--author", "-a")
        {
            Description = "Who creates the silence (default: $USER)",
            HelpName = "NAME",
            DefaultValueFactory = _ => context.GetEnvironment("USER") ?? context.GetEnvironment("USERNAME") ?? Environment.UserName,
        };
        var command = new Command("add", "Create a silence starting now; prints its id") { matchers, duration, endsAt, comment, author };
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            var parsed = ParseArguments(result.GetValue(matchers) ?? []);
            var now = context.Time.GetUtcNow();
            var ends = EndsAt(result.GetValue(duration), result.GetValue(endsAt), now);
            var text = result.GetValue(comment);
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new UsageException("--comment must not be empty");
            }
            var silence = new PostableSilence(
                parsed.Select(m => new SilenceMatcher(m.Name, m.Value, m.IsRegex, m.IsEqual)).ToList(),
                now, ends, result.GetValue(author) ?? "", text);
            using var api = client.CreateClient(result);
            var response = await api.CreateSilenceAsync(silence, ct).ConfigureAwait(false);
            if (client.IsJson(result))
            {
                Output.Json(context, response.Json);
            }
            else
            {
                await context.Out.WriteLineAsync(response.Value.SilenceId).ConfigureAwait(false);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Expire(CliContext context)
    {
        var id = new Argument<string[]>("ID") { Description = "Ids of the silences to expire", Arity = ArgumentArity.OneOrMore };
        var command = new Command("expire", "End silences now") { id };
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            using var api = client.CreateClient(result);
            foreach (var silence in result.GetValue(id) ?? [])
            {
                await api.ExpireSilenceAsync(silence, ct).ConfigureAwait(false);
                if (!client.IsJson(result))
                {
                    await context.Out.WriteLineAsync($"Silence {silence} expired.").ConfigureAwait(false);
                }
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Matchers from the positional arguments, amtool style (a bare first word is the alertname).</summary>
    internal static List<Matcher> ParseArguments(IReadOnlyList<string> args)
    {
        var result = new List<Matcher>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (i == 0 && !arg.Contains('=') && !arg.Contains('~') && !arg.TrimStart().StartsWith('{'))
            {
                arg = "alertname=" + arg;
            }
            result.AddRange(AlertsCommands.ParseMatchers(arg));
        }
        if (result.Count == 0)
        {
            throw new UsageException("a silence needs at least one matcher");
        }
        if (result.All(m => m.Matches("")))
        {
            throw new UsageException("these matchers also match alerts without those labels, so the silence would mute everything; add a matcher that needs a non-empty value");
        }
        return result;
    }

    internal static DateTimeOffset EndsAt(string? duration, string? endsAt, DateTimeOffset now)
    {
        if (duration is not null && endsAt is not null)
        {
            throw new UsageException("give either --duration or --ends-at, not both");
        }
        if (endsAt is not null)
        {
            if (!DateTimeOffset.TryParse(endsAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                throw new UsageException($"--ends-at: \"{endsAt}\" is not an ISO 8601 time such as 2026-01-31T18:00:00Z");
            }
            return at <= now ? throw new UsageException("--ends-at is in the past") : at.ToUniversalTime();
        }
        if (!DurationParser.TryParse(duration ?? "1h", out var span) || span <= TimeSpan.Zero)
        {
            throw new UsageException($"--duration: \"{duration}\" is not a positive duration such as 30m, 2h or 1d");
        }
        return now + span;
    }

    private static string FormatMatchers(IReadOnlyList<SilenceMatcher>? matchers) =>
        matchers is null ? "" : string.Join(" ", matchers.Select(m =>
            $"{m.Name}{(m.IsEqual ? "=" : "!")}{(m.IsRegex ? "~" : m.IsEqual ? "" : "=")}\"{m.Value}\""));
}
