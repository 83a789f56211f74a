using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace KubeDns.Records.Kubernetes.Internal;

/// <summary>The shape of a <see cref="YamlTreeNode"/>.</summary>
internal enum YamlTreeNodeKind
{
    Scalar,
    Mapping,
    Sequence,
}

/// <summary>
/// A YAML node with the positions of its first and last character in the source text. YamlDotNet's representation
/// model keeps only the start of a collection, so this small tree is built from the parser's events instead: the
/// span of each object lets the loader hand exactly that object to KubernetesClient, and the positions let errors
/// name a line and column.
/// </summary>
internal sealed class YamlTreeNode
{
    private YamlTreeNode(YamlTreeNodeKind kind, Mark start)
    {
        Kind = kind;
        Start = start;
        End = start;
    }

    private bool _isFlow;

    public YamlTreeNodeKind Kind { get; }

    public Mark Start { get; }

    /// <summary>Just past the node: for a block collection, where the next token starts.</summary>
    public Mark End { get; private set; }

    /// <summary>The text of a scalar (null for collections and for an alias).</summary>
    public string? Value { get; private set; }

    public List<KeyValuePair<YamlTreeNode, YamlTreeNode>> Entries { get; } = [];

    public List<YamlTreeNode> Items { get; } = [];

    public YamlTreeNode? this[string key]
    {
        get
        {
            if (Kind != YamlTreeNodeKind.Mapping)
            {
                return null;
            }

            foreach (var (k, v) in Entries)
            {
                if (k.Kind == YamlTreeNodeKind.Scalar && string.Equals(k.Value, key, StringComparison.Ordinal))
                {
                    return v;
                }
            }

            return null;
        }
    }

    /// <summary>The scalar text at <paramref name="key"/> of a mapping; null when absent, null or not a scalar.</summary>
    public string? ScalarAt(string key)
    {
        var node = this[key];
        return node is { Kind: YamlTreeNodeKind.Scalar, Value: { Length: > 0 } value } && value != "~" && value != "null" ? value : null;
    }

    /// <summary>
    /// Parses every document of a YAML (or JSON) text, reading what kubectl reads: where YamlDotNet rejects valid
    /// YAML that kubectl (go-yaml) and PyYAML accept, <paramref name="text"/> is repaired first, keeping every line
    /// and column, and the nodes' indexes refer to the repaired text.
    /// </summary>
    /// <exception cref="YamlTreeException">The text is not well-formed YAML; carries the document number.</exception>
    public static List<YamlTreeDocument> Parse(ref string text)
    {
        while (true)
        {
            try
            {
                return ParseText(text);
            }
            catch (YamlTreeException e) when (e.InnerException is SemanticErrorException semantic
                && semantic.Message.Contains("found extra spaces in first line", StringComparison.Ordinal)
                && TryBlankLeadingSpaceLines(ref text, semantic.Start))
            {
                // Each repair blanks at least one line, so this ends.
            }
        }
    }

    /// <summary>
    /// YamlDotNet rejects a literal block scalar whose first line holds only spaces, more than one (W9L4 of the YAML
    /// test suite taken too far): Helm renders <c>config.yaml: |</c> then <c>{{- tpl … | nindent 4 }}</c> as exactly
    /// that. By YAML 1.2 §8.1.1.1 leading lines of spaces are empty lines, valid while they are no longer than the
    /// first content line's indentation (or when the block has no content line), and they carry only a line break,
    /// so blanking them changes no value. Anything else, such as a leading line longer than the content's
    /// indentation, or a block with an explicit indentation indicator, is left alone and stays an error.
    /// </summary>
    /// <param name="text">The text; changed only when true is returned.</param>
    /// <param name="contentLine">YamlDotNet's error start: the line after the lines of spaces.</param>
    private static bool TryBlankLeadingSpaceLines(ref string text, Mark contentLine)
    {
        var content = LineStart(text, (int)Math.Min(contentLine.Index, text.Length));
        var contentIndent = Indentation(text, content);
        var lines = new List<(int Start, int Spaces)>();
        var start = content;
        while (start > 0)
        {
            var previous = LineStart(text, start - 1);
            var spaces = Indentation(text, previous);
            var rest = text.AsSpan(previous + spaces, start - previous - spaces);
            if (rest is not ("\n" or "\r\n"))
            {
                break;
            }

            lines.Add((previous, spaces));
            start = previous;
        }

        if (lines.Count == 0 || start == 0)
        {
            return false;
        }

        var header = LineStart(text, start - 1);
        var headerIndent = Indentation(text, header);
        if (!IsAutoIndentedBlockHeader(text.AsSpan(header, start - header))
            || (contentIndent > headerIndent && lines.Exists(l => l.Spaces > contentIndent)))
        {
            return false;
        }

        var repaired = new StringBuilder(text.Length);
        repaired.Append(text, 0, start);
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            var (lineStart, spaces) = lines[i];
            var lineEnd = i == 0 ? content : lines[i - 1].Start;
            repaired.Append(text, lineStart + spaces, lineEnd - lineStart - spaces);
        }

        repaired.Append(text, content, text.Length - content);
        text = repaired.ToString();
        return true;

        static int LineStart(string text, int index) => index <= 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1;

        static int Indentation(string text, int lineStart)
        {
            var i = lineStart;
            while (i < text.Length && text[i] == ' ')
            {
                i++;
            }

            return i - lineStart;
        }
    }

    /// <summary>A line ending in <c>|</c> or <c>&gt;</c> with an optional chomping indicator but no indentation indicator (YAML 1.2 §8.1.1).</summary>
    private static bool IsAutoIndentedBlockHeader(ReadOnlySpan<char> line)
    {
        var comment = line.IndexOf(" #", StringComparison.Ordinal);
        if (comment >= 0)
        {
            line = line[..comment];
        }

        line = line.TrimEnd();
        var token = line[(line.LastIndexOf(' ') + 1)..];
        return token is "|" or "|-" or "|+" or ">" or ">-" or ">+";
    }

    private static List<YamlTreeDocument> ParseText(string text)
    {
        var documents = new List<YamlTreeDocument>();
        var scanner = new Scanner(new StringReader(text));
        var parser = new Parser(scanner);
        var stack = new Stack<YamlTreeNode>();
        YamlTreeNode? pendingKey = null;
        var pendingKeys = new Stack<YamlTreeNode?>();
        YamlTreeNode? root = null;
        var documentNumber = 0;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case DocumentStart:
                        documentNumber++;
                        root = null;
                        break;
                    case DocumentEnd:
                        documents.Add(new YamlTreeDocument(documentNumber, root));
                        break;
                    case Scalar scalar:
                        Add(new YamlTreeNode(YamlTreeNodeKind.Scalar, scalar.Start) { End = scalar.End, Value = scalar.Value });
                        break;
                    case AnchorAlias alias:
                        Add(new YamlTreeNode(YamlTreeNodeKind.Scalar, alias.Start) { End = alias.End });
                        break;
                    case MappingStart mapping:
                        Open(new YamlTreeNode(YamlTreeNodeKind.Mapping, mapping.Start) { _isFlow = mapping.Style == MappingStyle.Flow });
                        break;
                    case SequenceStart sequence:
                        Open(new YamlTreeNode(YamlTreeNodeKind.Sequence, sequence.Start) { _isFlow = sequence.Style == SequenceStyle.Flow });
                        break;
                    case MappingEnd or SequenceEnd:
                        var node = stack.Pop();

                        // A flow collection's end event sits on its closing bracket; the node includes the bracket.
                        var end = parser.Current.Start;
                        node.End = node._isFlow ? new Mark(end.Index + 1, end.Line, end.Column + 1) : parser.Current.End;
                        pendingKey = pendingKeys.Pop();
                        Add(node);
                        break;
                }
            }
        }
        catch (YamlException e)
        {
            throw new YamlTreeException(Math.Max(documentNumber, 1), e.Start, e.Message, e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or NullReferenceException)
        {
            // YamlDotNet's scanner fails like this on some malformed input, such as a flow collection left open
            // before a block mapping key ("a: [1, 2" then "b: 3"); the error is the input's, so it gets a position.
            var open = stack.FirstOrDefault(n => n._isFlow);
            var message = open is null
                ? "malformed YAML"
                : string.Create(CultureInfo.InvariantCulture,
                    $"the flow {(open.Kind == YamlTreeNodeKind.Sequence ? "sequence '['" : "mapping '{'")} opened at line {open.Start.Line}, column {open.Start.Column} is not closed");
            throw new YamlTreeException(Math.Max(documentNumber, 1), scanner.CurrentPosition, message, e);
        }

        return documents;

        void Open(YamlTreeNode node)
        {
            pendingKeys.Push(pendingKey);
            pendingKey = null;
            stack.Push(node);
        }

        void Add(YamlTreeNode node)
        {
            if (stack.Count == 0)
            {
                root = node;
                return;
            }

            var parent = stack.Peek();
            if (parent.Kind == YamlTreeNodeKind.Sequence)
            {
                parent.Items.Add(node);
            }
            else if (pendingKey is null)
            {
                pendingKey = node;
            }
            else
            {
                parent.Entries.Add(new(pendingKey, node));
                pendingKey = null;
            }
        }
    }

    /// <summary>
    /// This node's source text, with its first line padded by spaces so that it starts at its original column:
    /// columns in errors about the extract are columns in the file, and <see cref="ToFileMark"/> turns the lines
    /// back into file lines. (Padding with blank lines too would make loading a big file quadratic.)
    /// </summary>
    public string ExtractText(string text)
    {
        var builder = new StringBuilder((int)(End.Index - Start.Index + Start.Column));
        builder.Append(' ', (int)Math.Max(0, Start.Column - 1));
        builder.Append(text, (int)Start.Index, (int)(End.Index - Start.Index));
        return builder.ToString();
    }

    /// <summary>A position in the text of <see cref="ExtractText"/> as a position in the file.</summary>
    public Mark ToFileMark(Mark mark) => new(mark.Index, mark.Line + Start.Line - 1, mark.Column);

    /// <summary>
    /// The manifest path (<c>spec.ports[0].port</c>) of the deepest node at <paramref name="mark"/>, relative to this
    /// node, and that node; a mark on a mapping key gives the key's path.
    /// </summary>
    public (string Path, YamlTreeNode Node) PathAt(Mark mark)
    {
        var path = new StringBuilder();
        var node = this;
        while (true)
        {
            YamlTreeNode? next = null;
            if (node.Kind == YamlTreeNodeKind.Mapping)
            {
                foreach (var (key, value) in node.Entries)
                {
                    if (Contains(key, mark))
                    {
                        AppendKey(path, key.Value ?? "?");
                        return (path.ToString(), key);
                    }

                    if (Contains(value, mark))
                    {
                        AppendKey(path, key.Value ?? "?");
                        next = value;
                        break;
                    }
                }
            }
            else if (node.Kind == YamlTreeNodeKind.Sequence)
            {
                for (var i = 0; i < node.Items.Count; i++)
                {
                    if (Contains(node.Items[i], mark))
                    {
                        path.Append('[').Append(i.ToString(CultureInfo.InvariantCulture)).Append(']');
                        next = node.Items[i];
                        break;
                    }
                }
            }

            if (next is null)
            {
                return (path.ToString(), node);
            }

            node = next;
        }
    }

    /// <summary>
    /// Finds the node at a manifest path such as <c>spec.ports[0].port</c> or
    /// <c>metadata.labels[kubernetes.io/service-name]</c>; null when some step is missing.
    /// </summary>
    public YamlTreeNode? Find(string path)
    {
        var node = this;
        var i = 0;
        while (i < path.Length && node is not null)
        {
            if (path[i] == '.')
            {
                i++;
                continue;
            }

            if (path[i] == '[')
            {
                var close = path.IndexOf(']', i);
                if (close < 0)
                {
                    return null;
                }

                var inside = path[(i + 1)..close];
                node = int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                    ? (node.Kind == YamlTreeNodeKind.Sequence && index < node.Items.Count ? node.Items[index] : null)
                    : node[inside];
                i = close + 1;
                continue;
            }

            var end = path.IndexOfAny(['.', '['], i);
            if (end < 0)
            {
                end = path.Length;
            }

            node = node[path[i..end]];
            i = end;
        }

        return node;
    }

    /// <summary>
    /// By line and column, not index: marks from errors about an extract (<see cref="ExtractText"/>) have the file's
    /// lines and columns but the extract's indexes.
    /// </summary>
    private static bool Contains(YamlTreeNode node, Mark mark) =>
        Compare(node.Start, mark) == 0 || (Compare(node.Start, mark) <= 0 && Compare(mark, node.End) < 0);

    private static int Compare(Mark a, Mark b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : a.Column.CompareTo(b.Column);

    private static void AppendKey(StringBuilder path, string key)
    {
        if (key.Contains('.', StringComparison.Ordinal) || key.Contains('/', StringComparison.Ordinal))
        {
            path.Append('[').Append(key).Append(']');
            return;
        }

        if (path.Length > 0)
        {
            path.Append('.');
        }

        path.Append(key);
    }
}

/// <summary>One document of a YAML stream: its 1-based number and its root node (null when empty).</summary>
internal sealed record YamlTreeDocument(int Number, YamlTreeNode? Root);

/// <summary>A YAML syntax error, with the number of the document it was found in and where.</summary>
internal sealed class YamlTreeException(int document, Mark start, string message, Exception inner) : Exception(message, inner)
{
    public int Document { get; } = document;

    public Mark Start { get; } = start;
}
