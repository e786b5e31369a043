using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using MlNetIconclass.Features;
using MlNetIconclass.Persistence;

namespace MlNetIconclass.Training;

/// <summary>
/// The distillation teacher: the packaged MiniLM on ONNX Runtime, embedding English texts. Encoding is the costly part
/// on a CPU (about 300 texts a second on 2 cores, shortest first), so every vector is kept in a cache file, in half
/// precision, under the SHA-256 of its text and of the teacher's graph: a retraining recomputes only texts it has not
/// seen.
/// </summary>
internal sealed class TeacherEmbeddings
{
    /// <summary>The folder the cache file is kept in when the options name none.</summary>
    public static string DefaultCacheFolder => PrivateCache.Folder("teacher-vectors");

    private const int HashBytes = 32;
    private const int BatchSize = 64;
    private static readonly int RecordBytes = HashBytes + Dimension * 2;

    private readonly string? _cachePath;
    private readonly ComputeDevice _device;
    private readonly Action<string>? _log;
    private readonly IProgress<TrainingProgress>? _progress;
    private readonly byte[] _onnx;

    public TeacherEmbeddings(
        string? cacheFolder,
        ComputeDevice device,
        Action<string>? log = null,
        IProgress<TrainingProgress>? progress = null
    )
    {
        _onnx = MiniLmPackage.ReadOnnxModel();
        _device = device;
        _log = log;
        _progress = progress;
        string teacher = Convert.ToHexStringLower(SHA256.HashData(_onnx))[..16];
        try
        {
            string folder = cacheFolder ?? DefaultCacheFolder;
            Directory.CreateDirectory(folder);
            _cachePath = Path.Combine(folder, $"minilm-{teacher}.f16");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache is a saving, not a need: training goes on and encodes every text.
            _log?.Invoke($"teacher: no cache ({e.Message})");
        }
    }

    public static int Dimension => MiniLmPackage.HiddenSize;

    /// <summary>One normalised vector per text, row-major <c>[texts, Dimension]</c>.</summary>
    public float[] Embed(IReadOnlyList<string> texts, CancellationToken cancellation = default)
    {
        var cached = ReadCache();
        var keys = texts.Select(Key).ToArray();
        var missing = Enumerable
            .Range(0, texts.Count)
            .Where(i => !cached.ContainsKey(keys[i]))
            .DistinctBy(i => keys[i])
            .OrderBy(i => texts[i].Length)
            .ToArray();
        _log?.Invoke(
            $"teacher vectors: {texts.Count - missing.Length} of {texts.Count} from the cache {_cachePath ?? "(none)"}"
                + (missing.Length == 0 ? "" : $", encoding {missing.Length} with MiniLM")
        );
        if (missing.Length > 0)
            Encode(missing.Select(i => (keys[i], texts[i])).ToArray(), cached, cancellation);

        var result = new float[texts.Count * Dimension];
        for (int i = 0; i < texts.Count; i++)
            TensorPrimitives.ConvertToSingle(cached[keys[i]], result.AsSpan(i * Dimension, Dimension));
        return result;
    }

    /// <summary>
    /// Encodes the texts (sorted by length, so a batch pads little) and appends each batch to the cache as it is
    /// done, so an interrupted encoding keeps what it finished.
    /// </summary>
    private void Encode(
        IReadOnlyList<(string Key, string Text)> texts,
        Dictionary<string, Half[]> cached,
        CancellationToken cancellation
    )
    {
        var clock = Stopwatch.StartNew();
        using var encoder = new BertOnnxEncoder(
            _onnx,
            MiniLmPackage.CreateTokenizer(),
            _device,
            MiniLmPackage.MaxTokens,
            _log
        );
        using var cache = OpenForAppending();
        int steps = (texts.Count + BatchSize - 1) / BatchSize;
        for (int step = 0; step < steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            var batch = texts.Skip(step * BatchSize).Take(BatchSize).ToArray();
            var vectors = encoder.Encode(batch.Select(t => t.Text).ToArray(), BatchSize);
            for (int i = 0; i < batch.Length; i++)
            {
                var halves = new Half[Dimension];
                TensorPrimitives.ConvertToHalf(vectors[i], halves);
                cached[batch[i].Key] = halves;
                cache?.Write([.. Convert.FromHexString(batch[i].Key), .. MemoryMarshal.AsBytes(halves.AsSpan())]);
            }
            _progress?.Report(
                new TrainingProgress("teacher: MiniLM encodes English texts", 1, 1, step + 1, steps, null)
            );
        }
        _log?.Invoke(
            $"teacher: encoded {texts.Count} texts in {clock.Elapsed.TotalSeconds:0} s "
                + $"({texts.Count / clock.Elapsed.TotalSeconds:0} texts/s)"
        );
    }

    /// <summary>
    /// The cache file to add to, positioned after its last whole record (a record cut short by an interrupted run is
    /// cut off), or null (said) when another training run is writing it.
    /// </summary>
    private FileStream? OpenForAppending()
    {
        if (_cachePath is null)
            return null;
        try
        {
            var stream = new FileStream(_cachePath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
            stream.SetLength(stream.Length - stream.Length % RecordBytes);
            stream.Seek(0, SeekOrigin.End);
            return stream;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log?.Invoke($"teacher: not caching the new vectors ({e.Message})");
            return null;
        }
    }

    /// <summary>
    /// The cached vectors. A record cut short (an interrupted append) ends the reading; a vector that is not of unit
    /// length is not a vector this class wrote, and is dropped (it will be encoded again).
    /// </summary>
    private Dictionary<string, Half[]> ReadCache()
    {
        var cached = new Dictionary<string, Half[]>(StringComparer.Ordinal);
        if (_cachePath is null || !File.Exists(_cachePath))
            return cached;
        using var stream = new FileStream(_cachePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var record = new byte[RecordBytes];
        var values = new float[Dimension];
        while (stream.ReadAtLeast(record, RecordBytes, throwOnEndOfStream: false) == RecordBytes)
        {
            var halves = MemoryMarshal.Cast<byte, Half>(record.AsSpan(HashBytes)).ToArray();
            TensorPrimitives.ConvertToSingle(halves, values);
            if (Math.Abs(TensorPrimitives.Norm(values) - 1) < 0.01f)
                cached[Convert.ToHexString(record, 0, HashBytes)] = halves;
        }
        return cached;
    }

    private static string Key(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
