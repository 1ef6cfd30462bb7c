namespace Vigil.Analytics.Nab;

/// <summary>
/// A NAB raw score split by where it comes from: the credit the detected windows earned (each its earliest
/// detection's, up to the true-positive weight), what the false positives cost and what the missed windows cost (both
/// ≤ 0). It tells a detector that detects late from one that alarms too often, which the total alone does not.
/// </summary>
public readonly record struct ScoreParts(double Detections, double FalsePositives, double Misses)
{
    public double Total => Detections + FalsePositives + Misses;

    public static ScoreParts operator +(ScoreParts left, ScoreParts right) =>
        new(left.Detections + right.Detections, left.FalsePositives + right.FalsePositives, left.Misses + right.Misses);
}
