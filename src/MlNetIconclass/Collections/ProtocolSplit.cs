using System.Security.Cryptography;
using System.Text;

namespace MlNetIconclass.Collections;

/// <summary>
/// The evaluation protocol's deterministic split: a record is in the test split when the SHA-1 of its id (UTF-8),
/// read as one big-endian unsigned integer, is 0 or 1 modulo 10 (20%); every other record is in train.
/// </summary>
public static class ProtocolSplit
{
    public static bool IsTest(string id) => Remainder(id) < 2;

    /// <summary>SHA-1 of the id (UTF-8), read as a big-endian unsigned integer, modulo 10.</summary>
    public static int Remainder(string id)
    {
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(Encoding.UTF8.GetBytes(id), hash);
        int remainder = 0;
        foreach (var b in hash)
            remainder = (remainder * 256 + b) % 10;
        return remainder;
    }

    public static (IReadOnlyList<ArtworkRecord> Train, IReadOnlyList<ArtworkRecord> Test) Split(
        IEnumerable<ArtworkRecord> records
    )
    {
        var train = new List<ArtworkRecord>();
        var test = new List<ArtworkRecord>();
        foreach (var record in records)
            (IsTest(record.Id) ? test : train).Add(record);
        return (train, test);
    }
}
