namespace Vigil.Analytics.Nab;

/// <summary>The raw NAB score when every row scoring at least <see cref="Threshold"/> is a detection.</summary>
public readonly record struct ThresholdScore(double Threshold, double Score, int TruePositives, int TrueNegatives, int FalsePositives, int FalseNegatives);
