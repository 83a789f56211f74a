using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace KubeDns.Records.Tool;

/// <summary>
/// Usage errors that name what the user typed: unknown options with the nearest real one, and option values that
/// are not numbers, without .NET's type names (docs/tool.md, "Exit codes").
/// </summary>
/// <remarks>
/// System.CommandLine treats a token it does not know as an argument: when the command has room for one
/// (<c>query NAME</c>, <c>zone [ZONE]</c>) <c>--bogus</c> becomes the name asked for, otherwise it is an unmatched
/// token. A token that starts with <c>-</c> and comes before <c>--</c> is meant as an option, so it is reported as
/// one wherever the parser put it, except as the value of an option (<c>--watch-debounce -1</c>). After <c>--</c>
/// every token is an argument, which is how a name that starts with <c>-</c> is given.
/// </remarks>
internal static class CommandLineErrors
{
    /// <summary>How far (edits: insert, delete, replace, swap two neighbours) a suggestion may be from what was typed.</summary>
    private const int MaxSuggestionDistance = 2;

    /// <summary>The usage errors for tokens that look like options but are none; empty when there are none.</summary>
    public static IReadOnlyList<string> UnknownOptions(ParseResult parsed)
    {
        var tokens = parsed.Tokens;
        var end = 0;
        while (end < tokens.Count && tokens[end].Type != TokenType.DoubleDash)
        {
            end++;
        }

        // The tokens the command's own arguments took, and those nothing took.
        var positional = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        foreach (var child in parsed.CommandResult.Children)
        {
            if (child is ArgumentResult argument)
            {
                positional.UnionWith(argument.Tokens);
            }
        }

        var unmatched = new HashSet<string>(parsed.UnmatchedTokens, StringComparer.Ordinal);
        var command = parsed.CommandResult.Command;
        var errors = new List<string>();
        for (var i = 0; i < end; i++)
        {
            var token = tokens[i];
            if (token.Type != TokenType.Argument || !LooksLikeOption(token.Value)
                || (!positional.Contains(token) && !unmatched.Contains(token.Value)))
            {
                continue;
            }

            var typed = OptionName(token.Value);
            var suggestions = Suggest(typed, OptionNames(command));
            errors.Add(suggestions.Count > 0
                ? $"unknown option '{typed}'; did you mean {string.Join(" or ", suggestions.Select(s => $"'{s}'"))}?"
                : $"unknown option '{typed}'; '{CommandPath(command)} --help' lists the options");
        }

        if (errors.Count == 0 && command is RootCommand)
        {
            // kubedns serv: the command, misspelt.
            foreach (var token in parsed.UnmatchedTokens)
            {
                var suggestions = Suggest(token, command.Subcommands.Select(c => c.Name));
                if (suggestions.Count > 0)
                {
                    errors.Add($"unknown command '{token}'; did you mean {string.Join(" or ", suggestions.Select(s => $"'{s}'"))}?");
                }
            }
        }

        return errors;
    }

    /// <summary>
    /// Gives every whole-number option of the tree a parser whose error names the flag and the text
    /// (<c>--ttl: 'abc' is not a whole number</c>), not System.CommandLine's <c>as expected type 'System.Int32'</c>.
    /// Options added later by any command are covered, because the tree is walked once it is built.
    /// </summary>
    public static void ParseNumbersPlainly(Command command)
    {
        foreach (var option in command.Options)
        {
            switch (option)
            {
                case Option<int> number:
                    number.CustomParser = result => ParseNumber(result, number.Name) ?? number.DefaultValueFactory?.Invoke(result) ?? 0;
                    break;
                case Option<int?> optional:
                    optional.CustomParser = result => ParseNumber(result, optional.Name) ?? optional.DefaultValueFactory?.Invoke(result);
                    break;
            }
        }

        foreach (var subcommand in command.Subcommands)
        {
            ParseNumbersPlainly(subcommand);
        }
    }

    /// <summary>
    /// Accepts only these values, and names the flag when another is given (<c>--pods: 'sometimes' is not one of
    /// disabled, insecure, verified</c>); System.CommandLine's own check names neither the flag nor the command.
    /// </summary>
    public static Option<string> OneOf(this Option<string> option, params string[] values)
    {
        option.CompletionSources.Add(values);
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (!values.Contains(token.Value, StringComparer.Ordinal))
                {
                    result.AddError($"{option.Name}: '{token.Value}' is not one of {string.Join(", ", values)}");
                }
            }
        });
        return option;
    }

    private static int? ParseNumber(ArgumentResult result, string flag)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[^1].Value;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        var digits = text.TrimStart('-', '+');
        result.AddError(digits.Length > 0 && digits.All(char.IsAsciiDigit)
            ? $"{flag}: '{text}' is too large a number"
            : $"{flag}: '{text}' is not a whole number");
        return null;
    }

    /// <summary>A dash and something else; a lone <c>-</c> is an argument by convention (standard input).</summary>
    private static bool LooksLikeOption(string token) => token.Length > 1 && token[0] == '-';

    /// <summary><c>--manifest=x</c> names <c>--manifest</c>.</summary>
    private static string OptionName(string token)
    {
        var end = token.IndexOfAny(['=', ':']);
        return end > 1 ? token[..end] : token;
    }

    /// <summary>Every spelling of every option the command takes, its own and those it inherits (--help).</summary>
    private static List<string> OptionNames(Command command)
    {
        var names = new List<string>();
        Add(command.Options, inheritedOnly: false);
        var parents = new Queue<Symbol>(command.Parents);
        while (parents.TryDequeue(out var parent))
        {
            if (parent is Command ancestor)
            {
                Add(ancestor.Options, inheritedOnly: true);
                foreach (var grandparent in ancestor.Parents)
                {
                    parents.Enqueue(grandparent);
                }
            }
        }

        return names;

        void Add(IEnumerable<Option> options, bool inheritedOnly)
        {
            foreach (var option in options)
            {
                if (!option.Hidden && (!inheritedOnly || option.Recursive))
                {
                    names.Add(option.Name);
                    names.AddRange(option.Aliases);
                }
            }
        }
    }

    private static string CommandPath(Command command) => command is RootCommand ? "kubedns" : $"kubedns {command.Name}";

    /// <summary>
    /// The nearest names: those at the smallest edit distance, at most <see cref="MaxSuggestionDistance"/>, or those
    /// that begin with what was typed (<c>--rrl</c>: <c>--rrl-rate</c>, <c>--rrl-slip</c>). Too short a word
    /// (<c>-x</c>) is near everything, so it gets a suggestion only for another spelling of the same letters.
    /// </summary>
    internal static IReadOnlyList<string> Suggest(string typed, IEnumerable<string> names)
    {
        var word = typed.TrimStart('-');
        var best = new List<string>();
        var bestScore = int.MaxValue;
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            int score;
            if (name.TrimStart('-') == word)
            {
                score = 0;
            }
            else if (word.Length < 3)
            {
                continue;
            }
            else if (name.StartsWith(typed, StringComparison.Ordinal))
            {
                score = 1;
            }
            else
            {
                score = Distance(typed, name);
                if (score > MaxSuggestionDistance)
                {
                    continue;
                }
            }

            if (score < bestScore)
            {
                bestScore = score;
                best.Clear();
            }

            if (score == bestScore)
            {
                best.Add(name);
            }
        }

        best.Sort(StringComparer.Ordinal);
        return best;
    }

    /// <summary>Edit distance with transpositions (optimal string alignment): <c>--mainfests</c> is 1 from <c>--manifests</c>.</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
