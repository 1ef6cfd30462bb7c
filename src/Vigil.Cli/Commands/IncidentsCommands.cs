using System.CommandLine;
using Spectre.Console;
using Vigil.Cli.Api;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil incidents list|show|ack|unack|resolve|reopen|note|escalate|reassign</c>.</summary>
public static class IncidentsCommands
{
    private static readonly string[] Statuses = ["triggered", "acknowledged", "resolved"];

    public static Command Create(CliContext context)
    {
        var incidents = new Command("incidents", "List, inspect and respond to incidents");
        incidents.Subcommands.Add(List(context));
        incidents.Subcommands.Add(Show(context));
        incidents.Subcommands.Add(Transition(context, "ack", "acknowledge", "Acknowledge an incident: someone is working on it", "acknowledged"));
        incidents.Subcommands.Add(Transition(context, "unack", "unacknowledge", "Take back an acknowledgement (the incident is triggered again)", "unacknowledged"));
        incidents.Subcommands.Add(Transition(context, "resolve", "resolve", "Resolve an incident by hand", "resolved"));
        incidents.Subcommands.Add(Transition(context, "reopen", "reopen", "Reopen a resolved incident", "reopened"));
        incidents.Subcommands.Add(Note(context));
        incidents.Subcommands.Add(Escalate(context));
        incidents.Subcommands.Add(Reassign(context));
        return incidents;
    }

    private static Argument<long> IdArgument() => new("ID")
    {
        Description = "The incident id (a number, as shown by 'vigil incidents list')",
        CustomParser = r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (long.TryParse(text.TrimStart('#'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                return id;
            }
            r.AddError($"incident id must be a positive number, got '{text}'");
            return 0;
        },
    };

    private static Command List(CliContext context)
    {
        var status = new Option<string?>("--status")
        {
            Description = "Only incidents in these states, comma-separated: triggered,acknowledged,resolved (default: all)",
            HelpName = "STATES",
        };
        status.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<string?>();
            var bad = (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(s => !Statuses.Contains(s, StringComparer.OrdinalIgnoreCase)).ToList();
            if (bad.Count > 0)
            {
                r.AddError($"unknown incident status '{string.Join("', '", bad)}' (expected {string.Join(", ", Statuses)})");
            }
        });
        var limit = new Option<int?>("--limit", "-n") { Description = "At most this many incidents, newest first (1-500, server default 100)", HelpName = "N" };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is { } n && n is < 1 or > 500)
            {
                r.AddError("--limit must be between 1 and 500");
            }
        });

        var command = new Command("list", "List incidents, newest first") { status, limit };
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            var statuses = result.GetValue(status) is { } s
                ? string.Join(',', s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(x => x.ToLowerInvariant()))
                : null;
            using var api = client.CreateClient(result);
            var response = await api.GetIncidentsAsync(statuses, result.GetValue(limit), ct).ConfigureAwait(false);
            if (client.IsJson(result))
            {
                Output.Json(context, response.Json);
                return ExitCodes.Success;
            }
            if (response.Value.Count == 0)
            {
                await context.Out.WriteLineAsync("No incidents.").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            var table = Output.NewTable("ID", "STATUS", "SEVERITY", "PRIO", "TITLE", "ALERTS", "CREATED", "ACKED BY");
            foreach (var i in response.Value)
            {
                table.AddPlainRow(
                    i.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), i.Status, i.Severity, i.Priority, i.Title,
                    $"{i.FiringCount}/{i.AlertCount}", Output.Time(i.CreatedAt), i.AcknowledgedBy);
            }
            context.Console.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Show(CliContext context)
    {
        var id = IdArgument();
        var command = new Command("show", "Show one incident with its alerts and timeline") { id };
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            using var api = client.CreateClient(result);
            var response = await api.GetIncidentAsync(result.GetValue(id), ct).ConfigureAwait(false);
            if (client.IsJson(result))
            {
                Output.Json(context, response.Json);
                return ExitCodes.Success;
            }
            Render(context, response.Value);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Transition(CliContext context, string name, string action, string description, string pastTense)
    {
        var id = IdArgument();
        var comment = new Option<string?>("--comment", "-c") { Description = "A comment recorded in the incident timeline", HelpName = "TEXT" };
        var command = new Command(name, description) { id, comment };
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            using var api = client.CreateClient(result);
            var response = await api.IncidentActionAsync(result.GetValue(id), action, result.GetValue(comment), ct).ConfigureAwait(false);
            return await Done(context, client, result, response, pastTense).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Note(CliContext context)
    {
        var id = IdArgument();
        var text = new Argument<string>("TEXT") { Description = "The note (quote it when it has spaces)" };
        var command = new Command("note", "Add a note to an incident's timeline") { id, text };
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            var note = result.GetValue(text);
            if (string.IsNullOrWhiteSpace(note))
            {
                throw new UsageException("the note text is empty");
            }
            using var api = client.CreateClient(result);
            var response = await api.AddNoteAsync(result.GetValue(id), note, ct).ConfigureAwait(false);
            return await Done(context, client, result, response, "noted").ConfigureAwait(false);
        });
        return command;
    }

    private static Command Escalate(CliContext context)
    {
        var id = IdArgument();
        var command = new Command("escalate", "Page the next level of the incident's escalation policy now") { id };
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            using var api = client.CreateClient(result);
            var response = await api.EscalateAsync(result.GetValue(id), ct).ConfigureAwait(false);
            return await Escalated(context, client, result, response, "escalated").ConfigureAwait(false);
        });
        return command;
    }

    private static Command Reassign(CliContext context)
    {
        var id = IdArgument();
        var user = new Option<string>("--user", "-u") { Description = "The user to page now (a name from the users: config)", HelpName = "NAME", Required = true };
        var command = new Command("reassign", "Reassign an incident to a user: they are paged now, and escalation goes on if they do not answer") { id, user };
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            var name = result.GetValue(user);
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new UsageException("--user is empty");
            }
            using var api = client.CreateClient(result);
            var response = await api.ReassignAsync(result.GetValue(id), name, ct).ConfigureAwait(false);
            return await Escalated(context, client, result, response, $"reassigned to {name}").ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> Escalated(CliContext context, ClientOptions client, ParseResult result, ApiResponse<EscalationInfo> response, string what)
    {
        if (client.IsJson(result))
        {
            Output.Json(context, response.Json);
            return ExitCodes.Success;
        }
        var e = response.Value;
        var next = e.NextDueAt is { } due ? $"; level {e.NextLevel} is paged at {Output.Time(due)} unless acknowledged" : "";
        await context.Out.WriteLineAsync($"Incident {e.IncidentId} {what} (policy {e.Policy}, {e.Status}{next})").ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static async Task<int> Done(CliContext context, ClientOptions client, ParseResult result, ApiResponse<IncidentDetail> response, string pastTense)
    {
        if (client.IsJson(result))
        {
            Output.Json(context, response.Json);
        }
        else
        {
            var i = response.Value;
            await context.Out.WriteLineAsync($"Incident {i.Id} {pastTense}: {i.Title} (now {i.Status})").ConfigureAwait(false);
        }
        return ExitCodes.Success;
    }

    private static void Render(CliContext context, IncidentDetail i)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Row(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                grid.AddRow(new Text(key), new Text(value));
            }
        }
        Row("Incident", $"#{i.Id} {i.Title}");
        Row("Status", i.Status);
        Row("Severity", i.Severity);
        Row("Priority", i.Priority);
        Row("Receiver", i.Receiver);
        Row("Group", Output.Labels(i.GroupLabels));
        Row("Created", Output.Time(i.CreatedAt));
        Row("Acknowledged", i.AcknowledgedAt is null ? null : $"{Output.Time(i.AcknowledgedAt)} by {i.AcknowledgedBy}");
        Row("Resolved", i.ResolvedAt is null ? null : $"{Output.Time(i.ResolvedAt)} by {i.ResolvedBy}");
        Row("Alerts", $"{i.FiringCount} firing of {i.AlertCount}");
        context.Console.Write(grid);

        context.Console.WriteLine();
        context.Console.Write(new Text("Alerts"));
        context.Console.WriteLine();
        var alerts = Output.NewTable("STATUS", "ALERTNAME", "SEVERITY", "STARTS", "SUMMARY", "LABELS");
        foreach (var a in i.Alerts ?? [])
        {
            var state = a.Status + (a.Silenced ? " (silenced)" : "") + (a.Inhibited ? " (inhibited)" : "");
            var others = a.Labels?.Where(l => l.Key is not ("alertname" or "severity")).ToDictionary(l => l.Key, l => l.Value);
            alerts.AddPlainRow(state, Output.Get(a.Labels, "alertname"), Output.Get(a.Labels, "severity"),
                Output.Time(a.StartsAt), Output.Get(a.Annotations, "summary"), Output.Labels(others));
        }
        context.Console.Write(alerts);

        context.Console.WriteLine();
        context.Console.Write(new Text("Timeline"));
        context.Console.WriteLine();
        var timeline = Output.NewTable("AT", "KIND", "ACTOR", "MESSAGE");
        foreach (var t in i.Timeline ?? [])
        {
            timeline.AddPlainRow(Output.Time(t.At), t.Kind, t.Actor, t.Message);
        }
        context.Console.Write(timeline);
    }
}
