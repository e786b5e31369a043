using System.Security.Cryptography;
using System.Text;
using MlNetIconclass.Features;
using MlNetIconclass.Persistence;

namespace MlNetIconclass.Retrieval;

/// <summary>
/// A model's label documents as its encoder embeds them, kept between processes: every process that ranks with an
/// n-gram model would otherwise embed the 48,390 label documents of each query language again (about 2 s on 2 cores,
/// most of a <c>predict</c>). An entry is named by the SHA-256 of what makes its vectors (the model file, the library
/// build, the device asked for, the language and the documents themselves), ends with the SHA-256 of its vectors, and
/// is used only when both still match; anything else is embedded again. The folder is the user's own (<see
/// cref="PrivateCache"/>), and holds at most <paramref name="maxBytes"/>: the entries used longest ago go first.
/// </summary>
internal sealed class LabelVectorCache(string folder, string modelHash, ComputeDevice device, long maxBytes = 1L << 30)
{
    private static readonly string LibraryBuild =
        typeof(LabelVectorCache).Assembly.ManifestModule.ModuleVersionId.ToString();

    /// <summary>The cache in the user's own folder; null where it cannot be made (vectors are then embedded).</summary>
    public static LabelVectorCache? InUserFolder(string modelHash, ComputeDevice device)
    {
        try
        {
            return new LabelVectorCache(PrivateCache.Folder("label-vectors"), modelHash, device);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The vectors of <paramref name="documents"/> in <paramref name="language"/>, read from the cache, else made by
    /// <paramref name="embed"/> and kept. A cache that cannot be read or written only costs the embedding.
    /// </summary>
    public float[] GetOrAdd(string language, IReadOnlyList<string> documents, Func<float[]> embed)
    {
        string path = Path.Combine(folder, Key(language, documents) + ".f16");
        if (TryRead(path) is { } cached)
        {
            TryTouch(path);
            return cached;
        }
        var vectors = embed();
        TryWrite(path, vectors);
        return vectors;
    }

    private string Key(string language, IReadOnlyList<string> documents)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{modelHash}\n{LibraryBuild}\n{device}\n{language}\n"));
        foreach (var document in documents)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(document));
            hash.AppendData("\n"u8);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static float[]? TryRead(string path)
    {
        try
        {
            if (!File.Exists(path))
                return null;
            using var stream = File.OpenRead(path);
            var vectors = HalfPrecision.Read(stream);
            Span<byte> stored = stackalloc byte[SHA256.HashSizeInBytes];
            stream.ReadExactly(stored);
            return stored.SequenceEqual(Checksum(vectors)) ? vectors : null;
        }
        catch (Exception exception)
            when (exception is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void TryWrite(string path, float[] vectors)
    {
        // Each writer has a file of its own until the rename: shards of one scoring run start together.
        string partial = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            using (var stream = File.Create(partial))
            {
                HalfPrecision.Write(stream, vectors);
                stream.Write(Checksum(vectors));
            }
            File.Move(partial, path, overwrite: true);
            Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Not kept: the next process embeds again.
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static byte[] Checksum(float[] vectors) =>
        SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vectors.AsSpan()));

    private static void TryTouch(string path)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Only the order of trimming depends on it.
        }
    }

    /// <summary>Deletes the entries used longest ago while the folder holds more than its limit.</summary>
    private void Trim()
    {
        var entries = new DirectoryInfo(folder)
            .GetFiles("*.f16")
            .OrderByDescending(file => file.LastWriteTimeUtc)
            .ToArray();
        long kept = 0;
        foreach (var entry in entries)
        {
            kept += entry.Length;
            if (kept > maxBytes)
                entry.Delete();
        }
    }
}
