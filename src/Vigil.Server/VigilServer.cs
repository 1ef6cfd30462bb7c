namespace Vigil.Server;

/// <summary>Entry point used by <c>vigil serve</c>.</summary>
public static class VigilServer
{
    /// <summary>Runs the server until <paramref name="ct"/> is cancelled or the process is asked to stop.</summary>
    public static Task<int> RunAsync(ServeOptions options, CancellationToken ct = default) =>
        throw new NotImplementedException("server spine not written yet");
}
