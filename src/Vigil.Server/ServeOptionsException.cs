namespace Vigil.Server;

/// <summary>
/// What <c>vigil serve</c> was given cannot work — a listen URL Kestrel would refuse, a config file that cannot be read.
/// Thrown before the server takes its lease or touches storage; <c>vigil serve</c> exits 2 (usage error), as it does
/// for an invalid config (<see cref="Core.Config.ConfigException"/>).
/// </summary>
public sealed class ServeOptionsException(string message, Exception? inner = null) : Exception(message, inner);
