using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Config;

/// <summary>
/// The one place YAML text becomes YamlDotNet's representation model (the config, OpenSLO files, the redacted config).
/// The model is built recursively, and so is every walk over it, so text nested tens of thousands of levels deep
/// (<c>a: [[[[…]]]]</c>) overflowed the stack: an overflow cannot be caught and killed the process — a running server
/// on a config reload too. The events the loader reads are checked on the way in, before it recurses into a node,
/// for nesting deeper than <see cref="MaxDepth"/> (counting what an alias inserts), for an alias inside the node it
/// names (an endless tree to every walk), and for aliases repeating more than <see cref="MaxAliasedNodes"/> nodes
/// ("billion laughs": nine levels of nine aliases are 9^9 copies).
/// </summary>
internal static class YamlLoader
{
    /// <summary>Deepest nesting of mappings and lists accepted. Real configs stay below 20; this leaves a wide margin
    /// and stays far below what overflows the stack (some 10,000 levels on a 1 MiB thread stack).</summary>
    public const int MaxDepth = 256;

    /// <summary>Most nodes aliases may repeat in one file, counting each use of an alias as the whole subtree it names.</summary>
    public const int MaxAliasedNodes = 1_000_000;

    /// <summary>Loads every document of <paramref name="text"/>; false with the error (invalid YAML, or past a limit) otherwise.</summary>
    public static bool TryLoad(string text, string fileName, [NotNullWhen(true)] out YamlStream? stream, [NotNullWhen(false)] out ConfigError? error)
    {
        var loaded = new YamlStream();
        try
        {
            loaded.Load(new CheckedParser(new Parser(new StringReader(text))));
        }
        catch (LimitException ex)
        {
            (stream, error) = (null, At(fileName, ex.At, ex.Message));
            return false;
        }
        catch (YamlException ex)
        {
            (stream, error) = (null, At(fileName, ex.Start, "invalid YAML: " + YamlMessage(ex)));
            return false;
        }
        (stream, error) = (loaded, null);
        return true;
    }

    private static ConfigError At(string fileName, Mark mark, string message) =>
        new(fileName, checked((int)mark.Line), checked((int)mark.Column), message);

    /// <summary>YamlDotNet prefixes messages with "(Line: 1, Col: 2, Idx: 3) - (...): "; the position is reported separately.</summary>
    private static string YamlMessage(YamlException ex)
    {
        var message = (ex.InnerException as YamlException ?? ex).Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && cut >= 0 ? message[(cut + 3)..] : message;
    }

    private sealed class LimitException(Mark at, string message) : Exception(message)
    {
        public Mark At { get; } = at;
    }

    /// <summary>
    /// Passes YamlDotNet's events through to the loader, throwing <see cref="LimitException"/> at the first one past a
    /// limit. The loader recurses once per open node, so it is never deeper than <see cref="MaxDepth"/> when it stops.
    /// </summary>
    private sealed class CheckedParser(IParser inner) : IParser
    {
        /// <summary>A mapping or list being read: its anchor, and the height and size of what it holds so far.</summary>
        private sealed class OpenNode(string? anchor)
        {
            public string? Anchor { get; } = anchor;

            public int Height { get; set; } = 1;

            public long Size { get; set; } = 1;
        }

        private readonly Stack<OpenNode> _open = new();

        // Per document, as YAML scopes anchors: the height (levels it spans: 0 for a scalar) and size (nodes, aliases
        // counted as what they insert) of each finished anchored node.
        private readonly Dictionary<string, (int Height, long Size)> _anchors = new(StringComparer.Ordinal);
        private long _aliasedNodes;

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (!inner.MoveNext())
            {
                return false;
            }
            switch (inner.Current)
            {
                case DocumentStart:
                    _anchors.Clear();
                    break;
                case NodeEvent start and (MappingStart or SequenceStart):
                    if (_open.Count >= MaxDepth)
                    {
                        throw new LimitException(start.Start, $"YAML nested more than {MaxDepth} levels deep (mappings and lists inside each other); Vigil reads at most {MaxDepth}");
                    }
                    _open.Push(new OpenNode(start.Anchor.IsEmpty ? null : start.Anchor.Value));
                    break;
                case MappingEnd or SequenceEnd:
                    var closed = _open.Pop();
                    Finished(closed.Anchor, closed.Height, closed.Size);
                    break;
                case Scalar scalar:
                    Finished(scalar.Anchor.IsEmpty ? null : scalar.Anchor.Value, 0, 1);
                    break;
                case AnchorAlias alias:
                    Alias(alias);
                    break;
            }
            return true;
        }

        private void Alias(AnchorAlias alias)
        {
            var name = alias.Value.Value;
            if (_open.Any(node => node.Anchor == name))
            {
                throw new LimitException(alias.Start, $"the alias *{name} is inside the node &{name} it repeats, which would contain itself without end");
            }
            if (!_anchors.TryGetValue(name, out var anchored))
            {
                // An undefined alias: the loader reports it.
                return;
            }
            if (_open.Count + anchored.Height > MaxDepth)
            {
                throw new LimitException(alias.Start, $"the alias *{name} nests YAML more than {MaxDepth} levels deep (mappings and lists inside each other); Vigil reads at most {MaxDepth}");
            }
            _aliasedNodes += anchored.Size;
            if (_aliasedNodes > MaxAliasedNodes)
            {
                throw new LimitException(alias.Start, string.Create(CultureInfo.InvariantCulture,
                    $"YAML aliases repeat more than {MaxAliasedNodes:N0} nodes (each use of an alias copies the whole node it names); Vigil reads at most {MaxAliasedNodes:N0}"));
            }
            Finished(anchor: null, anchored.Height, anchored.Size);
        }

        /// <summary>A node is complete: it counts towards its parent's height and size, and is recorded if anchored.</summary>
        private void Finished(string? anchor, int height, long size)
        {
            if (anchor is not null)
            {
                _anchors[anchor] = (height, size);
            }
            if (_open.TryPeek(out var parent))
            {
                parent.Height = Math.Max(parent.Height, height + 1);
                parent.Size += size;
            }
        }
    }
}
