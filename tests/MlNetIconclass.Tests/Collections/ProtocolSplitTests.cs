using MlNetIconclass.Collections;

namespace MlNetIconclass.Tests.Collections;

public class ProtocolSplitTests
{
    [Fact]
    public async Task SurinameCodedRecordsSplitAsTheProtocolSays()
    {
        var coded = (await ArtworkParquet.ReadAllAsync(BundledSamples.RijksmuseumSuriname))
            .Where(r => r.Codes.Count > 0)
            .ToArray();
        var (train, test) = ProtocolSplit.Split(coded);
        Assert.Equal(2_171, coded.Length);
        Assert.Equal(1_751, train.Count);
        Assert.Equal(420, test.Count);
    }

    [Theory]
    // SHA-1("a") = 86f7e437...: the whole 160-bit number mod 10 is what counts, not the last byte.
    [InlineData("SK-A-4075")]
    [InlineData("RP-F-2001-7-1")]
    [InlineData("")]
    public void MatchesBigIntegerArithmetic(string id)
    {
        var hash = System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(id));
        var number = new System.Numerics.BigInteger(hash, isUnsigned: true, isBigEndian: true);
        Assert.Equal(number % 10 < 2, ProtocolSplit.IsTest(id));
    }
}
