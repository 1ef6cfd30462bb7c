namespace Vigil.Analytics.Logs;

/// <summary>Recovers the values behind each <c>&lt;*&gt;</c> of a template from a message (for Loghub's ParameterList).</summary>
public static class TemplateParameters
{
    /// <summary>
    /// The values in order, matching the template's constant parts left to right at their first occurrence (as
    /// LogPAI's lazy <c>(.*?)</c> regex does) against the message with its whitespace runs made single spaces.
    /// Empty when the message does not fit the template.
    /// </summary>
    public static IReadOnlyList<string> Extract(string template, string content)
    {
        ArgumentNullException.ThrowIfNull(template);
        var text = TemplateText.CollapseSpaces(content ?? "");
        var parts = template.Split(BuiltInMasks.Wildcard);
        if (parts.Length == 1 || !text.StartsWith(parts[0], StringComparison.Ordinal))
        {
            return [];
        }
        var values = new List<string>(parts.Length - 1);
        var pos = parts[0].Length;
        for (var i = 1; i < parts.Length; i++)
        {
            var part = parts[i];
            int at;
            if (i == parts.Length - 1)
            {
                at = text.Length - part.Length;
                if (at < pos || !text.EndsWith(part, StringComparison.Ordinal))
                {
                    return [];
                }
            }
            else
            {
                at = part.Length == 0 ? pos : text.IndexOf(part, pos, StringComparison.Ordinal);
                if (at < 0)
                {
                    return [];
                }
            }
            values.Add(text[pos..at]);
            pos = at + part.Length;
        }
        return values;
    }
}
