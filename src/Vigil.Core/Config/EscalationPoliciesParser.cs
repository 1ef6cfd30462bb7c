using System.Globalization;
using Vigil.Core.Escalation;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Config;

/// <summary>
/// The <c>escalation_policies:</c> section. Names of users, teams and schedules are checked against the rest of the
/// config by <see cref="ConfigLoader"/>; each reference is reported with its position.
/// </summary>
internal sealed class EscalationPoliciesParser(YamlReader reader)
{
    /// <summary>As for users, teams and schedules.</summary>
    public const int MaxNameLength = 100;

    private static readonly string[] PolicyKeys = ["name", "levels", "repeat", "acknowledge_timeout", "time_zone"];
    private static readonly string[] LevelKeys = ["targets", "delay", "only_between", "only_if_alerts"];
    private static readonly string[] TargetKeys = ["user", "schedule", "team", "round_robin"];
    private static readonly string[] AlertRateKeys = ["more_than", "within"];

    public const int MaxLevels = 20;

    /// <summary>Every user, schedule and team name a policy refers to, with where it was written.</summary>
    public List<(EscalationTarget Target, YamlNode Node)> References { get; } = [];

    public List<EscalationPolicy> ParseAll(YamlNode? node)
    {
        var policies = new List<EscalationPolicy>();
        if (node is null || YamlReader.IsNull(node) || reader.Sequence(node, "escalation_policies") is not { } sequence)
        {
            return policies;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in sequence)
        {
            if (reader.Mapping(item, "each escalation policy") is not { } map || Parse(map) is not { } policy)
            {
                continue;
            }
            if (!seen.Add(policy.Name))
            {
                reader.Error(map, $"duplicate escalation policy name \"{policy.Name}\"");
                continue;
            }
            policies.Add(policy);
        }
        return policies;
    }

    private EscalationPolicy? Parse(YamlMappingNode map)
    {
        var keys = reader.Keys(map, "an escalation policy", PolicyKeys);
        var name = keys.TryGetValue("name", out var nameNode) ? reader.String(nameNode, "name") : null;
        if (string.IsNullOrWhiteSpace(name))
        {
            reader.Error(map, "an escalation policy needs a \"name\"");
            return null;
        }
        if (name.Length > MaxNameLength)
        {
            // The name is part of stored keys (round-robin cursors), which PostgreSQL indexes: a few KB would fail
            // every escalation commit there.
            reader.Error(nameNode!, $"escalation policy name \"{name[..40]}…\" is {name.Length} characters; at most {MaxNameLength}");
            return null;
        }
        var what = $"escalation policy \"{name}\"";
        var repeat = 0;
        if (keys.TryGetValue("repeat", out var repeatNode))
        {
            if (reader.String(repeatNode, "repeat") is { } text
                && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out repeat) || repeat > EscalationPolicy.MaxRepeat))
            {
                reader.Error(repeatNode, $"{what}: \"repeat\" must be a whole number from 0 to {EscalationPolicy.MaxRepeat}, not \"{text}\"");
                repeat = 0;
            }
        }
        TimeSpan? ackTimeout = null;
        if (keys.TryGetValue("acknowledge_timeout", out var ackNode) && reader.Duration(ackNode, "acknowledge_timeout") is { } ack)
        {
            if (ack <= TimeSpan.Zero)
            {
                reader.Error(ackNode, $"{what}: \"acknowledge_timeout\" must be longer than zero");
            }
            ackTimeout = ack;
        }
        TimeZoneInfo? zone = null;
        if (keys.TryGetValue("time_zone", out var zoneNode) && reader.String(zoneNode, "time_zone") is { } zoneName)
        {
            if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneName, out zone))
            {
                reader.Error(zoneNode, $"{what}: unknown time zone \"{zoneName}\"; use an IANA name such as Europe/Berlin");
            }
        }
        var levels = new List<EscalationLevel>();
        if (!keys.TryGetValue("levels", out var levelsNode))
        {
            reader.Error(map, $"{what} needs \"levels\": at least one level with targets");
        }
        else if (reader.Sequence(levelsNode, "levels") is { } levelList)
        {
            foreach (var levelNode in levelList)
            {
                if (reader.Mapping(levelNode, $"each level of {what}") is { } levelMap && ParseLevel(levelMap, what) is { } level)
                {
                    levels.Add(level);
                }
            }
            if (levelList.Children.Count == 0)
            {
                reader.Error(levelsNode, $"{what} needs at least one level");
            }
            else if (levelList.Children.Count > MaxLevels)
            {
                reader.Error(levelsNode, $"{what} has {levelList.Children.Count} levels; at most {MaxLevels} are allowed");
            }
        }
        return levels.Count == 0 ? null : new EscalationPolicy(name, levels, repeat, ackTimeout, zone);
    }

    private EscalationLevel? ParseLevel(YamlMappingNode map, string what)
    {
        var keys = reader.Keys(map, $"a level of {what}", LevelKeys);
        var delay = TimeSpan.FromMinutes(5);
        if (keys.TryGetValue("delay", out var delayNode) && reader.Duration(delayNode, "delay") is { } parsed)
        {
            if (parsed < TimeSpan.FromMinutes(1))
            {
                reader.Error(delayNode, $"{what}: a level's \"delay\" must be at least 1m so people get a chance to acknowledge");
            }
            delay = parsed;
        }
        var targets = new List<EscalationTarget>();
        if (!keys.TryGetValue("targets", out var targetsNode))
        {
            reader.Error(map, $"{what}: every level needs \"targets\" (user, schedule, team or round_robin)");
        }
        else if (reader.Sequence(targetsNode, "targets") is { } targetList)
        {
            foreach (var targetNode in targetList)
            {
                if (ParseTarget(targetNode, what) is { } target)
                {
                    targets.Add(target);
                }
            }
            if (targetList.Children.Count == 0)
            {
                reader.Error(targetsNode, $"{what}: a level needs at least one target");
            }
        }
        EscalationCondition? condition = null;
        if (keys.TryGetValue("only_between", out var betweenNode))
        {
            condition = ParseTimeOfDay(betweenNode, what);
        }
        if (keys.TryGetValue("only_if_alerts", out var rateNode))
        {
            if (condition is not null)
            {
                reader.Error(rateNode, $"{what}: a level takes one condition, \"only_between\" or \"only_if_alerts\", not both");
            }
            condition = ParseAlertRate(rateNode, what);
        }
        return targets.Count == 0 ? null : new EscalationLevel(targets, delay, condition);
    }

    private EscalationTarget? ParseTarget(YamlNode node, string what)
    {
        if (reader.Mapping(node, $"each target of {what}") is not { } map)
        {
            return null;
        }
        var keys = reader.Keys(map, $"a target of {what}", TargetKeys);
        if (keys.Count != 1)
        {
            reader.Error(map, $"{what}: a target names exactly one of user, schedule, team or round_robin");
            return null;
        }
        var (kind, value) = keys.First();
        EscalationTarget? target = kind switch
        {
            "round_robin" => reader.StringList(value, "round_robin") is { Count: > 0 } users
                ? new EscalationTarget.RoundRobin(users)
                : Fail(value, $"{what}: \"round_robin\" needs a list of at least one user"),
            _ => reader.String(value, kind) is { Length: > 0 } name
                ? kind switch
                {
                    "user" => new EscalationTarget.User(name),
                    "schedule" => new EscalationTarget.Schedule(name),
                    _ => new EscalationTarget.Team(name),
                }
                : Fail(value, $"{what}: \"{kind}\" needs a name"),
        };
        if (target is not null)
        {
            References.Add((target, value));
        }
        return target;
    }

    private EscalationCondition.TimeOfDay? ParseTimeOfDay(YamlNode node, string what)
    {
        var text = reader.String(node, "only_between");
        var parts = text?.Split('-', StringSplitOptions.TrimEntries);
        if (parts is [var from, var to]
            && TimeOnly.TryParseExact(from, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            && TimeOnly.TryParseExact(to, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end)
            && start != end)
        {
            return new EscalationCondition.TimeOfDay(start, end);
        }
        if (text is not null)
        {
            reader.Error(node, $"{what}: \"only_between\" must be two different times \"HH:mm-HH:mm\" (e.g. 08:00-20:00), not \"{text}\"");
        }
        return null;
    }

    private EscalationCondition.AlertRate? ParseAlertRate(YamlNode node, string what)
    {
        if (reader.Mapping(node, "only_if_alerts") is not { } map)
        {
            return null;
        }
        var keys = reader.Keys(map, "only_if_alerts", AlertRateKeys);
        if (!keys.TryGetValue("more_than", out var countNode) || !keys.TryGetValue("within", out var windowNode))
        {
            reader.Error(map, $"{what}: \"only_if_alerts\" needs \"more_than\" (a count) and \"within\" (a duration)");
            return null;
        }
        var countText = reader.String(countNode, "more_than");
        if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            reader.Error(countNode, $"{what}: \"more_than\" must be a whole number ≥ 0, not \"{countText}\"");
            return null;
        }
        if (reader.Duration(windowNode, "within") is not { } window)
        {
            return null;
        }
        if (window <= TimeSpan.Zero)
        {
            reader.Error(windowNode, $"{what}: \"within\" must be longer than zero");
            return null;
        }
        return new EscalationCondition.AlertRate(count, window);
    }

    private EscalationTarget? Fail(YamlNode node, string message)
    {
        reader.Error(node, message);
        return null;
    }
}
