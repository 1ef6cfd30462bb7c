namespace Vigil.Analytics.Nab;

/// <summary>
/// NAB's result for a group of files (a category or the whole corpus) under one profile: the raw score (and its
/// parts), the null detector's and the perfect detector's, and <c>100 · (raw − null) / (perfect − null)</c>, which is
/// NaN for a group without windows (nothing to normalise against; only its false positives count).
/// </summary>
public sealed record NabScore(
    string Group, int Files, int Windows, int WindowsDetected, int FalsePositives, ScoreParts Parts, double Null, double Perfect)
{
    public double Raw => Parts.Total;

    public double Normalised => Perfect == Null ? double.NaN : 100.0 * (Raw - Null) / (Perfect - Null);

    /// <summary>The share of a window's full credit its detection earned, on average over the detected windows: 0.99 for
    /// a detection where the window opens, 0.85 at the labelled anomaly in its middle, 0 at its end (NaN if none).</summary>
    public double MeanCredit => WindowsDetected == 0 ? double.NaN : Parts.Detections / WindowsDetected / (Perfect / Windows);
}

/// <summary>The scores of one profile at the corpus-wide optimal threshold.</summary>
public sealed record NabProfileScores(NabProfile Profile, double Threshold, NabScore Overall, IReadOnlyList<NabScore> Categories);
