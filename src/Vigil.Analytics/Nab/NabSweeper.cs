namespace Vigil.Analytics.Nab;

/// <summary>
/// A port of NAB v1.1's <c>nab/sweeper.py</c>, the code behind the published scoreboard.
/// <list type="bullet">
/// <item>The first <c>min(⌊15% · rows⌋, 750)</c> rows of a file are probationary: their detections are ignored.</item>
/// <item>A detection inside a window is worth <c>tpWeight · S(−(right − i + 1)/width) / S(−1)</c>; only the best (i.e.
/// earliest) detection of a window counts, and a window without one costs <c>fnWeight</c>.</item>
/// <item>A detection outside every window costs <c>fpWeight · S(|i − previousRight| / (previousWidth − 1))</c>, or
/// the full <c>fpWeight</c> before the first window: a false alarm right after a window is nearly free.</item>
/// </list>
/// </summary>
public static class NabSweeper
{
    /// <summary>NAB's probationary period: 15% of the file, at most 750 rows (<c>probationPercent · 5000</c>).</summary>
    public static int ProbationaryLength(int rows, double probationPercent = 0.15) =>
        (int)Math.Min(Math.Floor(probationPercent * rows), probationPercent * 5000);

    /// <summary>
    /// The scorable rows of one file. Windows are matched to rows by timestamp: a window covers the rows whose
    /// timestamps lie within its ends (NAB's label windows start and end on data timestamps, so this is NAB's exact
    /// match). <paramref name="firstWindowId"/> numbers the windows so files of a corpus can be swept together.
    /// </summary>
    public static List<SweepRow> Sweep(
        ReadOnlySpan<DateTime> timestamps, ReadOnlySpan<double> anomalyScores, IReadOnlyList<NabWindow> windows,
        CostMatrix costs, int firstWindowId = 0)
    {
        if (timestamps.Length != anomalyScores.Length)
        {
            throw new ArgumentException("timestamps and anomaly scores differ in length", nameof(anomalyScores));
        }
        var bounds = WindowBounds(timestamps, windows);
        var probation = ProbationaryLength(timestamps.Length);
        var rows = new List<SweepRow>(Math.Max(0, timestamps.Length - probation));

        var next = 0;
        var current = -1;
        int previousRight = -1, previousWidth = 0;
        for (var i = 0; i < timestamps.Length; i++)
        {
            while (next < bounds.Count && bounds[next].Left < i)
            {
                next++; // a window whose start was skipped (overlap): NAB never enters it either
            }
            if (next < bounds.Count && bounds[next].Left == i)
            {
                current = next++;
            }

            double sweepScore;
            if (current >= 0)
            {
                var (left, right) = bounds[current];
                var width = (double)(right - left + 1);
                sweepScore = ScaledSigmoid.Of(-(right - i + 1) / width) * costs.TruePositiveWeight / ScaledSigmoid.MaxTruePositive;
            }
            else
            {
                // NAB divides by (previousWidth − 1), which fails for a one-row window; such a window is treated
                // as infinitely far behind, the full false-positive cost.
                var position = previousRight < 0 || previousWidth <= 1 ? 3.0 : Math.Abs(previousRight - i) / (double)(previousWidth - 1);
                sweepScore = ScaledSigmoid.Of(position) * costs.FalsePositiveWeight;
            }

            if (i >= probation)
            {
                var score = anomalyScores[i];
                rows.Add(new SweepRow(double.IsFinite(score) ? score : 0.0, sweepScore, current >= 0 ? firstWindowId + current : SweepRow.Outside));
            }

            if (current >= 0 && i == bounds[current].Right)
            {
                previousRight = i;
                previousWidth = bounds[current].Right - bounds[current].Left + 1;
                current = -1;
            }
        }
        return rows;
    }

    /// <summary>
    /// NAB's <c>calcScoreByThreshold</c>: the total score for every distinct anomaly score used as threshold, from
    /// 1.1 (nothing detected) down to the lowest score (everything detected), in that order.
    /// </summary>
    public static List<ThresholdScore> ScoreByThreshold(IReadOnlyList<SweepRow> rows, CostMatrix costs)
    {
        // Highest score first. Rows of equal score are all applied before the next threshold is recorded, so the
        // order among them does not matter.
        var byScore = rows.ToArray();
        Array.Sort(byScore, static (a, b) => b.AnomalyScore.CompareTo(a.AnomalyScore));

        var windowParts = new Dictionary<int, double>();
        int truePositives = 0, falsePositives = 0, trueNegatives = 0, falseNegatives = 0;
        foreach (var row in byScore)
        {
            if (row.InWindow)
            {
                windowParts[row.Window] = -costs.FalseNegativeWeight;
                falseNegatives++;
            }
            else
            {
                trueNegatives++;
            }
        }
        var windowTotal = -costs.FalseNegativeWeight * windowParts.Count;
        var falsePositiveTotal = 0.0;

        var result = new List<ThresholdScore>();
        var threshold = 1.1;
        foreach (var row in byScore)
        {
            if (row.AnomalyScore != threshold)
            {
                result.Add(new(threshold, windowTotal + falsePositiveTotal, truePositives, trueNegatives, falsePositives, falseNegatives));
                threshold = row.AnomalyScore;
            }
            if (row.InWindow)
            {
                truePositives++;
                falseNegatives--;
                var before = windowParts[row.Window];
                if (row.SweepScore > before)
                {
                    windowParts[row.Window] = row.SweepScore;
                    windowTotal += row.SweepScore - before;
                }
            }
            else
            {
                falsePositives++;
                trueNegatives--;
                falsePositiveTotal += row.SweepScore;
            }
        }
        result.Add(new(threshold, windowTotal + falsePositiveTotal, truePositives, trueNegatives, falsePositives, falseNegatives));
        return result;
    }

    /// <summary>NAB's optimiser: the threshold with the best total score (the highest such threshold on a tie).</summary>
    public static ThresholdScore BestThreshold(IReadOnlyList<SweepRow> rows, CostMatrix costs)
    {
        var scores = ScoreByThreshold(rows, costs);
        var best = scores[0];
        foreach (var candidate in scores)
        {
            if (candidate.Score > best.Score)
            {
                best = candidate;
            }
        }
        return best;
    }

    /// <summary>The total score of <paramref name="rows"/> when every row scoring at least <paramref name="threshold"/> is a detection.</summary>
    public static double ScoreAt(IReadOnlyList<SweepRow> rows, CostMatrix costs, double threshold) =>
        PartsAt(rows, costs, threshold).Total;

    /// <summary><see cref="ScoreAt"/> split into the detected windows' credit, the false positives' cost and the missed
    /// windows' cost.</summary>
    public static ScoreParts PartsAt(IReadOnlyList<SweepRow> rows, CostMatrix costs, double threshold)
    {
        var windowBest = new Dictionary<int, double?>();
        var falsePositives = 0.0;
        foreach (var row in rows)
        {
            if (row.InWindow)
            {
                var best = windowBest.GetValueOrDefault(row.Window);
                windowBest[row.Window] = row.AnomalyScore >= threshold ? Math.Max(best ?? double.MinValue, row.SweepScore) : best;
            }
            else if (row.AnomalyScore >= threshold)
            {
                falsePositives += row.SweepScore;
            }
        }
        double detections = 0, misses = 0;
        foreach (var best in windowBest.Values)
        {
            if (best is { } credit)
            {
                detections += credit;
            }
            else
            {
                misses -= costs.FalseNegativeWeight;
            }
        }
        return new ScoreParts(detections, falsePositives, misses);
    }

    private static List<(int Left, int Right)> WindowBounds(ReadOnlySpan<DateTime> timestamps, IReadOnlyList<NabWindow> windows)
    {
        var bounds = new List<(int, int)>(windows.Count);
        foreach (var window in windows)
        {
            int left = -1, right = -1;
            for (var i = 0; i < timestamps.Length; i++)
            {
                if (timestamps[i] >= window.Start && timestamps[i] <= window.End)
                {
                    if (left < 0)
                    {
                        left = i;
                    }
                    right = i;
                }
            }
            if (left >= 0)
            {
                bounds.Add((left, right));
            }
        }
        bounds.Sort();
        return bounds;
    }
}
