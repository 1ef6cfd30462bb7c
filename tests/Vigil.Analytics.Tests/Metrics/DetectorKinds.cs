using Vigil.Analytics.Metrics;

namespace Vigil.Analytics.Tests.Metrics;

/// <summary>The detectors the tests name, by the names the server's configuration and <c>vigil metrics nab</c> use
/// ("default" and "contextual" are the default).</summary>
internal static class DetectorKinds
{
    public static DetectorSettings Settings(string name) => name switch
    {
        "lightweight" => DetectorSettings.Lightweight,
        "statistical" => DetectorSettings.Statistical,
        "balanced" => DetectorSettings.Balanced,
        _ => DetectorSettings.Default,
    };
}
