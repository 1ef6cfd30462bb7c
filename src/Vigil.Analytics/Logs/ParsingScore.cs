namespace Vigil.Analytics.Logs;

/// <summary>
/// Log parsing accuracy as defined by Loghub (Zhu et al., ICSE-SEIP 2019) and Loghub-2.0 (Jiang et al., ISSTA 2024),
/// computed the way the Loghub-2.0 evaluator does (its <c>GA_calculator</c>, <c>PA_calculator</c> and
/// <c>template_level_analysis</c>): lines are grouped by their (normalised) template text.
/// </summary>
/// <param name="GroupingAccuracy">GA: share of lines whose predicted group holds exactly the lines of their true group.</param>
/// <param name="ParsingAccuracy">PA: share of lines whose predicted template equals the true one.</param>
/// <param name="GroupingF1">FGA: F1 of PGA = correct groups / predicted groups and RGA = correct groups / true groups.</param>
/// <param name="TemplateF1">FTA: F1 of PTA = correct templates / predicted templates and RTA = correct templates / true
/// templates, where a predicted template is correct when all its lines belong to one true template and its text equals
/// that template (the Loghub-2.0 evaluator's <c>evaluate_template_level</c> checks exactly this; it does not also require
/// the group to hold all of that template's lines).</param>
public sealed record ParsingScore(
    double GroupingAccuracy,
    double ParsingAccuracy,
    double GroupingF1,
    double TemplateF1,
    int Lines,
    int TruthTemplates,
    int PredictedTemplates)
{
    /// <summary>
    /// Scores predicted templates against true ones, line by line (both lists in the same line order).
    /// Both sides are normalised first with <see cref="Normalize"/>.
    /// </summary>
    public static ParsingScore Compute(IReadOnlyList<string> truth, IReadOnlyList<string> predicted)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        if (truth.Count != predicted.Count)
        {
            throw new ArgumentException($"{truth.Count} true lines but {predicted.Count} predicted lines");
        }
        var n = truth.Count;
        if (n == 0)
        {
            return new ParsingScore(0, 0, 0, 0, 0, 0, 0);
        }
        var normalized = new Dictionary<string, string>(StringComparer.Ordinal);
        string Norm(string t) => normalized.TryGetValue(t, out var v) ? v : normalized[t] = Normalize(t);
        var truthT = new string[n];
        var predT = new string[n];
        for (var i = 0; i < n; i++)
        {
            truthT[i] = Norm(truth[i]);
            predT[i] = Norm(predicted[i]);
        }

        var truthSize = CountBy(truthT);
        var predSize = CountBy(predT);
        // For each predicted group: the true templates of its lines (a group is pure when there is exactly one).
        var predToTruth = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var truthToPred = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var paCorrect = 0;
        for (var i = 0; i < n; i++)
        {
            Add(predToTruth, predT[i], truthT[i]);
            Add(truthToPred, truthT[i], predT[i]);
            if (predT[i] == truthT[i])
            {
                paCorrect++;
            }
        }

        var gaLines = 0;
        var correctGroups = 0;
        foreach (var (truthTemplate, preds) in truthToPred)
        {
            if (preds.Count != 1)
            {
                continue;
            }
            var pred = preds.First();
            if (predSize[pred] == truthSize[truthTemplate])
            {
                gaLines += truthSize[truthTemplate];
                correctGroups++;
            }
        }
        var correctTemplates = 0;
        foreach (var (pred, truths) in predToTruth)
        {
            if (truths.Count == 1 && truths.First() == pred)
            {
                correctTemplates++;
            }
        }
        return new ParsingScore(
            (double)gaLines / n,
            (double)paCorrect / n,
            F1((double)correctGroups / predSize.Count, (double)correctGroups / truthSize.Count),
            F1((double)correctTemplates / predSize.Count, (double)correctTemplates / truthSize.Count),
            n,
            truthSize.Count,
            predSize.Count);
    }

    /// <summary>
    /// The normalisation applied to both sides before comparing, after the Loghub-2.0 evaluator's
    /// <c>correct_template_general</c>: trim and single-space, then repeatedly join <c>&lt;*&gt;.&lt;*&gt;</c>,
    /// <c>&lt;*&gt;&lt;*&gt;</c>, <c>&lt;*&gt;:&lt;*&gt;</c> and <c>&lt;*&gt; &lt;*&gt;</c> into one <c>&lt;*&gt;</c>.
    /// </summary>
    public static string Normalize(string template)
    {
        var t = TemplateText.CollapseSpaces(template ?? "");
        while (true)
        {
            var before = t;
            t = t.Replace("<*>.<*>", "<*>", StringComparison.Ordinal);
            if (t == before)
            {
                break;
            }
        }
        while (true)
        {
            var before = t;
            t = t.Replace("<*><*>", "<*>", StringComparison.Ordinal)
                .Replace("<*>:<*>", "<*>", StringComparison.Ordinal)
                .Replace("<*> <*>", "<*>", StringComparison.Ordinal);
            if (t == before)
            {
                break;
            }
        }
        return t;
    }

    private static Dictionary<string, int> CountBy(string[] values)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var v in values)
        {
            counts[v] = counts.GetValueOrDefault(v) + 1;
        }
        return counts;
    }

    private static void Add(Dictionary<string, HashSet<string>> map, string key, string value)
    {
        if (!map.TryGetValue(key, out var set))
        {
            map[key] = set = new HashSet<string>(StringComparer.Ordinal);
        }
        set.Add(value);
    }

    private static double F1(double precision, double recall) =>
        precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
}
