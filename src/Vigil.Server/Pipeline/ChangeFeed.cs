using System.Threading.Channels;

namespace Vigil.Server.Pipeline;

/// <summary>
/// Fan-out of "something changed" signals to live UI clients (Server-Sent Events). Each subscriber gets a bounded
/// channel that keeps only the latest signals, so a slow browser can never slow the pipeline.
/// </summary>
public sealed class ChangeFeed
{
    private readonly Lock _gate = new();
    private readonly List<Channel<ChangeSignal>> _subscribers = [];

    public ChannelReader<ChangeSignal> Subscribe(out IDisposable subscription)
    {
        var channel = Channel.CreateBounded<ChangeSignal>(new BoundedChannelOptions(16) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_gate)
        {
            _subscribers.Add(channel);
        }
        subscription = new Unsubscriber(this, channel);
        return channel.Reader;
    }

    public void Publish(ChangeSignal signal)
    {
        lock (_gate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(signal);
            }
        }
    }

    private void Remove(Channel<ChangeSignal> channel)
    {
        lock (_gate)
        {
            _subscribers.Remove(channel);
        }
        channel.Writer.TryComplete();
    }

    private sealed class Unsubscriber(ChangeFeed feed, Channel<ChangeSignal> channel) : IDisposable
    {
        public void Dispose() => feed.Remove(channel);
    }
}

/// <param name="Incidents">Ids of incidents that changed (empty when only alerts changed).</param>
public sealed record ChangeSignal(IReadOnlyList<long> Incidents, DateTimeOffset At);
