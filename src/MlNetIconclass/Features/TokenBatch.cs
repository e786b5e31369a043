using Microsoft.ML.Tokenizers;

namespace MlNetIconclass.Features;

/// <summary>
/// Texts as BERT inputs, row-major <c>[Count, Length]</c>, padded to the longest text of the batch and truncated
/// to <c>maxLength</c> tokens ([CLS] and [SEP] included).
/// </summary>
internal sealed record TokenBatch(long[] InputIds, long[] AttentionMask, long[] TokenTypeIds, int Count, int Length)
{
    public static TokenBatch Encode(BertTokenizer tokenizer, IReadOnlyList<string> texts, int maxLength = 128)
    {
        var encoded = texts
            .Select(text => tokenizer.EncodeToIds(text, maxLength, addSpecialTokens: true, out _, out _))
            .ToArray();
        int length = Math.Max(1, encoded.Select(ids => ids.Count).DefaultIfEmpty(0).Max());
        var inputIds = new long[texts.Count * length];
        var mask = new long[texts.Count * length];
        for (int row = 0; row < encoded.Length; row++)
        {
            for (int i = 0; i < encoded[row].Count; i++)
            {
                inputIds[row * length + i] = encoded[row][i];
                mask[row * length + i] = 1;
            }
        }
        return new TokenBatch(inputIds, mask, new long[inputIds.Length], texts.Count, length);
    }
}
