namespace MlNetIconclass.Retrieval;

/// <summary>The baselines' tokenizer: lower-cased runs of letters; one-letter tokens are dropped.</summary>
public static class TextTokenizer
{
    public static List<string> Tokenize(string? text)
    {
        var tokens = new List<string>();
        if (string.IsNullOrEmpty(text))
            return tokens;
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool letter = i < text.Length && char.IsLetter(text[i]);
            if (letter && start < 0)
                start = i;
            else if (!letter && start >= 0)
            {
                if (i - start > 1)
                    tokens.Add(text[start..i].ToLowerInvariant());
                start = -1;
            }
        }
        return tokens;
    }

    public static List<string> Tokenize(IEnumerable<string?> texts) => texts.SelectMany(Tokenize).ToList();
}
