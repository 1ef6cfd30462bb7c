namespace Vigil.Core.Config;

/// <summary>
/// A receiver as declared in the config. Only its name matters so far; the integration keys it declares
/// (<c>webhook_configs</c>, <c>slack_configs</c>, ...) are kept so they can be shown, but nothing is sent yet.
/// </summary>
public sealed record ReceiverConfig(string Name, IReadOnlyList<string> Integrations);
