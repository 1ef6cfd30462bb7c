using System.CommandLine;
using System.Globalization;
using Vigil.Cli.Api;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil oncall</c>, <c>vigil schedules show</c>, <c>vigil swaps request|accept|take|cancel</c> and
/// <c>vigil overrides list|add|delete</c> (docs/oncall.md).</summary>
public static class OnCallCommands
{
    public static Command OnCall(CliContext context)
    {
        var schedule = new Option<string?>("--schedule") { Description = "Only this schedule (default: every schedule)" };
        var at = TimeOption("--at", "The instant to ask about (RFC 3339; default: now)");
        var command = new Command("oncall", "Show who is on call now (or at --at) per schedule") { schedule, at };
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            using var api = client.CreateClient(result);
            var response = await api.GetOnCallAsync(result.GetValue(schedule), result.GetValue(at), ct).ConfigureAwait(false);
            if (client.IsJson(result))
            {
                Output.Json(context, response.Json);
                return ExitCodes.Success;
            }
            var table = Output.NewTable("SCHEDULE", "ON CALL", "SOURCE", "FROM", "UNTIL");
            foreach (var s in response.Value.OnCall)
            {
                table.AddPlainRow(s.Schedule, s.User is null ? "(nobody)" : $"{s.FullName} ({s.User})", s.Source ?? "", Output.Time(s.Start), Output.Time(s.End));
            }
            context.Console.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Schedules(CliContext context)
    {
        var name = new Argument<string>("SCHEDULE") { Description = "The schedule name" };
        var from = TimeOption("--from", "Start of the range (RFC 3339; default: now)");
        var to = TimeOption("--to", "End of the range (RFC 3339; default: --from + 14 days)");
        var show = new Command("show", "Show a schedule's final schedule (entries and gaps) for a range") { name, from, to };
        var client = ClientOptions.AddTo(show, context);
        show.SetAction(async (result, ct) =>
        {
            var start = result.GetValue(from) ?? DateTimeOffset.UtcNow;
            var end = result.GetValue(to) ?? start.AddDays(14);
            using var api = client.CreateClient(result);
            var response = await api.GetFinalScheduleAsync(result.GetValue(name)!, start, end, ct).ConfigureAwait(false);
            if (client.IsJson(result))
            {
                Output.Json(context, response.Json);
                return ExitCodes.Success;
            }
            var rows = response.Value.Entries.Select(e => (e.Start, e.End, Who: $"{e.FullName} ({e.User})", What: e.Source == "layer" ? $"layer {e.Layer}" : e.Source))
                .Concat(response.Value.Gaps.Select(g => (g.Start, g.End, Who: "GAP: nobody on call", What: "")))
                .OrderBy(r => r.Start);
            var table = Output.NewTable("FROM", "UNTIL", "ON CALL", "SOURCE");
            foreach (var r in rows)
            {
                table.AddPlainRow(Output.Time(r.Start), Output.Time(r.End), r.Who, r.What);
            }
            context.Console.Write(table);
            return ExitCodes.Success;
        });
        var schedules = new Command("schedules", "On-call schedules");
        schedules.Subcommands.Add(show);
        return schedules;
    }

    public static Command Swaps(CliContext context)
    {
        var swaps = new Command("swaps", "Shift swaps: request a swap, accept one, take a shift, cancel");
        swaps.Subcommands.Add(Range(context, "request", "Ask someone to take your shifts in a range (your token must be bound to a user)", "api/v1/swaps", needsFrom: false));
        swaps.Subcommands.Add(Range(context, "take", "Take another user's shifts in a range without giving one back", "api/v1/swaps/take", needsFrom: true));
        swaps.Subcommands.Add(ById(context, "accept", "Accept a requested swap: its shifts become yours"));
        swaps.Subcommands.Add(ById(context, "cancel", "Cancel a swap (requested or accepted)"));
        return swaps;
    }

    public static Command Overrides(CliContext context)
    {
        var overrides = new Command("overrides", "Schedule overrides: put a user on call over a range (admins, managers of the schedule's team)");
        overrides.Subcommands.Add(ListOverrides(context));
        overrides.Subcommands.Add(AddOverride(context));
        overrides.Subcommands.Add(DeleteOverride(context));
        return overrides;
    }

    private static Command ListOverrides(CliContext context)
    {
        var schedule = new Option<string?>("--schedule") { Description = "Only this schedule (default: every schedule)" };
        var from = TimeOption("--from", "Start of the range (RFC 3339; default: now)");
        var to = TimeOption("--to", "End of the range (RFC 3339; default: --from + 30 days)");
        var command = new Command("list", "List the overrides in a range") { schedule, from, to };
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            var start = result.GetValue(from) ?? DateTimeOffset.UtcNow;
            using var api = client.CreateClient(result);
            var response = await api.GetOverridesAsync(result.GetValue(schedule), start, result.GetValue(to) ?? start.AddDays(30), ct).ConfigureAwait(false);
            if (client.IsJson(result))
            {
                Output.Json(context, response.Json);
                return ExitCodes.Success;
            }
            var table = Output.NewTable("ID", "SCHEDULE", "ON CALL", "FROM", "UNTIL", "BY");
            foreach (var o in response.Value)
            {
                table.AddPlainRow(o.Id, o.Schedule, o.User, Output.Time(o.Start), Output.Time(o.End), o.CreatedBy);
            }
            context.Console.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command AddOverride(CliContext context)
    {
        var schedule = new Option<string>("--schedule") { Description = "The schedule", Required = true };
        var user = new Option<string>("--user") { Description = "Who is on call over the range", Required = true };
        var from = TimeOption("--from", "Start (RFC 3339)");
        var to = TimeOption("--to", "End (RFC 3339)");
        from.Required = true;
        to.Required = true;
        var command = new Command("add", "Put a user on call over a range, above every layer and swap") { schedule, user, from, to };
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            using var api = client.CreateClient(result);
            var response = await api.AddOverrideAsync(new OverrideBody(result.GetValue(schedule), result.GetValue(from), result.GetValue(to), result.GetValue(user)), ct)
                .ConfigureAwait(false);
            if (client.IsJson(result))
            {
                Output.Json(context, response.Json);
                return ExitCodes.Success;
            }
            var o = response.Value;
            await context.Out.WriteLineAsync($"Override {o.Id} on {o.Schedule}: {o.User} on call {Output.Time(o.Start)} – {Output.Time(o.End)}.").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command DeleteOverride(CliContext context)
    {
        var id = new Argument<string>("ID") { Description = "The override id, as 'vigil overrides list' shows it" };
        var command = new Command("delete", "Delete an override: the schedule is as it was without it") { id };
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            using var api = client.CreateClient(result);
            await api.DeleteOverrideAsync(result.GetValue(id)!, ct).ConfigureAwait(false);
            if (!client.IsJson(result))
            {
                await context.Out.WriteLineAsync($"Override {result.GetValue(id)} deleted.").ConfigureAwait(false);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Range(CliContext context, string verb, string description, string path, bool needsFrom)
    {
        var schedule = new Option<string>("--schedule") { Description = "The schedule", Required = true };
        var from = TimeOption("--from", "Start of the shifts (RFC 3339)");
        var to = TimeOption("--to", "End of the shifts (RFC 3339)");
        from.Required = true;
        to.Required = true;
        var owner = new Option<string?>("--owner") { Description = "The user whose shift is taken", Required = needsFrom };
        var command = new Command(verb, description) { schedule, from, to };
        if (needsFrom)
        {
            command.Options.Add(owner);
        }
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            using var api = client.CreateClient(result);
            var body = new SwapBody(result.GetValue(schedule), result.GetValue(from), result.GetValue(to), needsFrom ? result.GetValue(owner) : null);
            return await Print(context, client, result, await api.PostSwapAsync(path, body, ct).ConfigureAwait(false)).ConfigureAwait(false);
        });
        return command;
    }

    private static Command ById(CliContext context, string verb, string description)
    {
        var id = new Argument<string>("ID") { Description = "The swap id" };
        var command = new Command(verb, description) { id };
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            using var api = client.CreateClient(result);
            var response = await api.PostSwapAsync($"api/v1/swaps/{Uri.EscapeDataString(result.GetValue(id)!)}/{verb}", new SwapBody(), ct).ConfigureAwait(false);
            return await Print(context, client, result, response).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> Print(CliContext context, ClientOptions client, ParseResult result, ApiResponse<SwapView> response)
    {
        if (client.IsJson(result))
        {
            Output.Json(context, response.Json);
            return ExitCodes.Success;
        }
        var s = response.Value;
        await context.Out.WriteLineAsync($"Swap {s.Id} on {s.Schedule}: {s.From} → {s.To ?? "(anyone)"}, {Output.Time(s.Start)} – {Output.Time(s.End)}, {s.Status}.").ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>An RFC 3339 time option (a time without an offset is UTC), with an error that shows the format.</summary>
    internal static Option<DateTimeOffset?> TimeOption(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = r =>
        {
            var text = r.Tokens.Single().Value;
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
            {
                return value;
            }
            r.AddError($"{name} \"{text}\" is not a time; use RFC 3339 such as 2025-01-06T09:00:00Z");
            return null;
        },
    };
}
