namespace Vigil.Analytics.Nab;

/// <summary>
/// NAB's result for a group of files (a category or the whole corpus) under one profile: the raw score, the null
/// detector's and the perfect detector's, and <c>100 · (raw − null) / (perfect − null)</c>, which is NaN for a group
/// without windows (nothing to normalise against; only its false positives count).
/// </summary>
public sealed record NabScore(
    string Group, int Files, int Windows, int WindowsDetected, int FalsePositives, double Raw, double Null, double Perfect)
{
    public double Normalised => Perfect == Null ? double.NaN : 100.0 * (Raw - Null) / (Perfect - Null);
}

/// <summary>The scores of one profile at the corpus-wide optimal threshold.</summary>
public sealed record NabProfileScores(NabProfile Profile, double Threshold, NabScore Overall, IReadOnlyList<NabScore> Categories);
