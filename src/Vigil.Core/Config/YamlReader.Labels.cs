using Vigil.Core.Alerts;
using Vigil.Core.Matching;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Config;

/// <summary>
/// Label names and matchers. A name outside Prometheus' rule (<see cref="LabelNames.IsValid"/>) is an error at its
/// node, as Alertmanager refuses it ("invalid label name … in group_by list"): no alert can carry such a label, so a
/// group_by or equal on it groups by nothing and a matcher on it could only ever match its absence.
/// </summary>
internal sealed partial class YamlReader
{
    /// <summary>group_by's "group by all labels" entry.</summary>
    public const string GroupByAll = "...";

    /// <summary>
    /// A list of label names (<c>group_by</c>, <c>equal</c>): null, empty and invalid names are errors at their entry.
    /// </summary>
    /// <param name="allowGroupByAll">Whether <see cref="GroupByAll"/> may appear (group_by only).</param>
    public List<string>? LabelNameList(YamlNode node, string key, bool allowGroupByAll = false)
    {
        if (Sequence(node, key) is not { } sequence)
        {
            return null;
        }
        var result = new List<string>();
        foreach (var item in sequence)
        {
            if (NonNullString(item, key) is not { } name)
            {
                continue;
            }
            if (name.Length == 0)
            {
                Error(item, $"\"{key}\" contains an empty label name");
            }
            else if (!LabelNames.IsValid(name) && !(allowGroupByAll && name == GroupByAll))
            {
                Error(item, $"invalid label name in \"{key}\": {LabelNames.Problem(name)}");
            }
            else
            {
                result.Add(name);
            }
        }
        return result;
    }

    /// <summary>A <c>matchers:</c> list: each entry in the matcher syntax of amtool (<c>severity="critical"</c>).</summary>
    public List<Matcher> Matchers(YamlNode node, string key)
    {
        var result = new List<Matcher>();
        if (Sequence(node, key) is not { } sequence)
        {
            return result;
        }
        foreach (var item in sequence)
        {
            if (NonNullString(item, key) is not { } text)
            {
                continue;
            }
            try
            {
                // The parser itself takes names such as "alert-name" (API filters and the CLI use it too); the config
                // holds them to the label rule.
                var parsed = MatcherParser.ParseList(text);
                if (parsed.FirstOrDefault(m => !LabelNames.IsValid(m.Name)) is { } invalid)
                {
                    Error(item, $"invalid matcher in \"{key}\": label name {LabelNames.Problem(invalid.Name)}");
                    continue;
                }
                result.AddRange(parsed);
            }
            catch (MatcherException ex)
            {
                Error(item, $"invalid matcher in \"{key}\": {ex.Message}");
            }
        }
        return result;
    }

    /// <summary>A legacy <c>match:</c> / <c>match_re:</c> map of label name to value or regex.</summary>
    public List<Matcher> LegacyMatchers(YamlNode node, string key, bool regex)
    {
        var result = new List<Matcher>();
        if (Mapping(node, $"\"{key}\"") is not { } map)
        {
            return result;
        }
        foreach (var (nameNode, valueNode) in map.Children)
        {
            if (IsNull(nameNode))
            {
                Error(nameNode, $"invalid label name in \"{key}\": {LabelNames.Problem("")}");
                continue;
            }
            var name = String(nameNode, key);
            var value = String(valueNode, key);
            if (name is null || value is null)
            {
                continue;
            }
            if (!LabelNames.IsValid(name))
            {
                Error(nameNode, $"invalid label name in \"{key}\": {LabelNames.Problem(name)}");
                continue;
            }
            try
            {
                result.Add(Matcher.Create(name, regex ? Matching.MatchType.Regex : Matching.MatchType.Equal, value));
            }
            catch (MatcherException ex)
            {
                Error(valueNode, $"invalid matcher in \"{key}\": {ex.Message}");
            }
        }
        return result;
    }
}
