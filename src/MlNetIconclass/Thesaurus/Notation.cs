using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace MlNetIconclass.Thesaurus;

/// <summary>
/// One Iconclass notation as written: a base (division digit, optional second digit, an optional letter or doubled
/// letter, digits, then bracketed names each optionally followed by digits) and optional keys <c>(+..)</c>.
/// Examples: <c>73D6</c>, <c>11HH(MARY MAGDALENE)</c>, <c>11H(...)0</c>, <c>25F23(LION)(+46)</c>, and keys that hold a
/// name themselves, <c>44A(+2(FRANCE))</c>.
/// A combined notation (<c>31A:41B</c>) is several notations; see <see cref="SplitCombined"/>.
/// </summary>
public sealed partial record Notation
{
    public const string PlaceholderBracket = "(...)";

    [GeneratedRegex(
        @"^(?<base>[0-9](?:[0-9](?:[A-Z]{1,2})?[0-9]*)?(?:\([^()+][^()]*\)[0-9]*)*)"
            + @"(?<keys>(?:\(\+[0-9a-z]+(?:\([^()]+\))?\))*)$"
    )]
    private static partial Regex Grammar();

    [GeneratedRegex(@"\(\+([0-9a-z]+(?:\([^()]+\))?)\)")]
    private static partial Regex KeyGroup();

    private Notation(string value, string @base, IReadOnlyList<string> keys)
    {
        Value = value;
        Base = @base;
        Keys = keys;
    }

    /// <summary>The notation as written, keys included.</summary>
    public string Value { get; }

    /// <summary>The notation without its keys.</summary>
    public string Base { get; }

    /// <summary>Key suffixes in order of appearance: <c>25F23(LION)(+46)</c> has <c>46</c>.</summary>
    public IReadOnlyList<string> Keys { get; }

    public bool HasKeys => Keys.Count > 0;

    /// <summary>The name in the last bracket of the base, if any (<c>LION</c> for <c>25F23(LION)(+46)</c>).</summary>
    public string? BracketName
    {
        get
        {
            int close = Base.LastIndexOf(')');
            return close < 0 ? null : Base[(Base.LastIndexOf('(', close) + 1)..close];
        }
    }

    /// <summary>
    /// The base with its last bracketed name replaced by <c>(...)</c>: the form that stands for any name.
    /// </summary>
    public string? PlaceholderBase
    {
        get
        {
            int close = Base.LastIndexOf(')');
            if (close < 0)
                return null;
            int open = Base.LastIndexOf('(', close);
            return string.Concat(Base.AsSpan(0, open), PlaceholderBracket, Base.AsSpan(close + 1));
        }
    }

    /// <summary>
    /// The base up to its first bracket (<c>25F23</c> for <c>25F23(LION)1</c>), or null without brackets.
    /// </summary>
    public string? UnbracketedBase
    {
        get
        {
            int open = Base.IndexOf('(');
            return open < 0 ? null : Base[..open];
        }
    }

    /// <summary>
    /// The parent read off the notation itself: drop the last key; a trailing name goes to its <c>(...)</c>
    /// placeholder and a placeholder to what precedes it; else drop the last character (as in the tree, a doubled
    /// letter sits under the single one: <c>11HH</c> under <c>11H</c>). The tree is authoritative for listed
    /// notations (<see cref="IconclassTree.GetParent"/>).
    /// </summary>
    public Notation? StructuralParent
    {
        get
        {
            if (HasKeys)
                return new Notation(KeysPrefix(Keys.Count - 1), Base, Keys.Take(Keys.Count - 1).ToArray());
            if (Base.Length == 1)
                return null;
            string parent;
            if (Base[^1] == ')')
                parent = IsPlaceholderAtEnd ? Base[..^PlaceholderBracket.Length] : PlaceholderBase!;
            else
                parent = Base[..^1];
            return new Notation(parent, parent, []);
        }
    }

    private bool IsPlaceholderAtEnd => Base.EndsWith(PlaceholderBracket, StringComparison.Ordinal);

    private string KeysPrefix(int keyCount) => Base + string.Concat(Keys.Take(keyCount).Select(key => $"(+{key})"));

    public static bool TryParse(
        string? text,
        [NotNullWhen(true)] out Notation? notation,
        [NotNullWhen(false)] out string? error
    )
    {
        notation = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the notation is empty";
            return false;
        }
        string trimmed = text.Trim();
        var match = Grammar().Match(trimmed);
        if (!match.Success)
        {
            error = $"'{trimmed}' is not a valid Iconclass notation ({Explain(trimmed)})";
            return false;
        }
        var keys = KeyGroup().Matches(match.Groups["keys"].Value).Select(m => m.Groups[1].Value).ToArray();
        notation = new Notation(trimmed, match.Groups["base"].Value, keys);
        error = null;
        return true;
    }

    public static Notation Parse(string text) =>
        TryParse(text, out var notation, out var error) ? notation : throw new FormatException(error);

    /// <summary>
    /// Splits a combined notation on the colons that stand outside brackets (<c>71W62(Job 4:11)</c> is one).
    /// </summary>
    public static IReadOnlyList<string> SplitCombined(string text)
    {
        var parts = new List<string>();
        int depth = 0,
            start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth = Math.Max(0, depth - 1);
                    break;
                case ':' when depth == 0:
                    parts.Add(text[start..i]);
                    start = i + 1;
                    break;
            }
        }
        parts.Add(text[start..]);
        return parts;
    }

    public override string ToString() => Value;

    /// <summary>
    /// Spacing and case as labels write them: no blanks outside brackets, letters there in capitals; inside a bracket,
    /// no blanks at either end and single blanks between words. Names keep their case (<c>71X1(Ps. 1)1</c>).
    /// </summary>
    public static string NormalizeWriting(string written)
    {
        var result = new System.Text.StringBuilder(written.Length);
        int depth = 0;
        foreach (char c in written.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                // Inside a name one blank stays, unless it follows an opening bracket or another blank.
                if (depth > 0 && result.Length > 0 && result[^1] is not (' ' or '('))
                    result.Append(' ');
                continue;
            }
            if (c == ')' && result.Length > 0 && result[^1] == ' ')
                result.Length--;
            depth += c switch
            {
                '(' => 1,
                ')' => depth > 0 ? -1 : 0,
                _ => 0,
            };
            result.Append(depth == 0 ? char.ToUpperInvariant(c) : c);
        }
        return result.ToString();
    }

    private static string Explain(string text)
    {
        if (!char.IsAsciiDigit(text[0]))
            return "it must start with a division digit 0-9";
        if (text.Count(c => c == '(') != text.Count(c => c == ')'))
            return "its brackets do not balance";
        if (text.Any(char.IsAsciiLetterLower) && !text.Contains("(+", StringComparison.Ordinal) && !text.Contains('('))
            return "letters outside brackets must be capitals";
        if (text.Any(char.IsWhiteSpace) && !text.Contains('('))
            return "it contains spaces outside brackets";
        return "expected digits, a capital letter or doubled capital, digits, then optional (NAME) and (+KEY) parts";
    }
}
