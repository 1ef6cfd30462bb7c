using Vigil.Core.Inhibition;
using Vigil.Core.Matching;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Config;

internal sealed class InhibitRuleParser(YamlReader reader)
{
    private static readonly string[] KnownKeys =
    [
        "source_matchers", "target_matchers", "equal",
        "source_match", "source_match_re", "target_match", "target_match_re",
    ];

    public List<InhibitRule> ParseAll(YamlNode node)
    {
        var rules = new List<InhibitRule>();
        if (YamlReader.IsNull(node) || reader.Sequence(node, "inhibit_rules") is not { } sequence)
        {
            return rules;
        }
        foreach (var item in sequence)
        {
            if (reader.Mapping(item, "each inhibit rule") is { } map)
            {
                rules.Add(Parse(map, rules.Count));
            }
        }
        return rules;
    }

    private InhibitRule Parse(YamlMappingNode map, int index)
    {
        var keys = reader.Keys(map, $"inhibit_rules[{index}]", KnownKeys);
        var source = Matchers(keys, "source");
        var target = Matchers(keys, "target");
        var equal = keys.TryGetValue("equal", out var equalNode) ? reader.LabelNameList(equalNode, "equal") ?? [] : [];
        return new InhibitRule(source, target, equal);
    }

    private List<Matcher> Matchers(Dictionary<string, YamlNode> keys, string side)
    {
        var result = new List<Matcher>();
        if (keys.TryGetValue($"{side}_match", out var match))
        {
            result.AddRange(reader.LegacyMatchers(match, $"{side}_match", regex: false));
        }
        if (keys.TryGetValue($"{side}_match_re", out var matchRe))
        {
            result.AddRange(reader.LegacyMatchers(matchRe, $"{side}_match_re", regex: true));
        }
        if (keys.TryGetValue($"{side}_matchers", out var matchers))
        {
            result.AddRange(reader.Matchers(matchers, $"{side}_matchers"));
        }
        return result;
    }
}
