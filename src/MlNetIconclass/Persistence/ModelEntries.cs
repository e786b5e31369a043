using System.IO.Compression;

namespace MlNetIconclass.Persistence;

/// <summary>
/// Where the parts of a model write themselves: named entries of one model file. Each part (the text encoder, the
/// label cache, the image fusion, the memory) knows its own entries and their content; only the model file knows
/// that they live in a zip.
/// </summary>
internal interface IModelEntryWriter
{
    /// <summary>A new entry to write; dispose it when written.</summary>
    Stream Create(string entry, CompressionLevel compression = CompressionLevel.Optimal);
}

/// <summary>The entries of a model file, for its parts to read themselves back from.</summary>
internal interface IModelEntryReader
{
    bool Contains(string entry);

    /// <summary>An entry to read; a missing one is an <see cref="InvalidDataException"/> that names it.</summary>
    Stream Open(string entry);
}

/// <summary>Reading helpers every part uses.</summary>
internal static class ModelEntryReaderExtensions
{
    /// <summary>The entry read whole; a model part's entries are at most the size of an ONNX graph.</summary>
    public static byte[] ReadAllBytes(this IModelEntryReader reader, string entry)
    {
        using var stream = reader.Open(entry);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>
    /// Reads an entry, naming it in the error when its content is not what <paramref name="read"/> expects.
    /// </summary>
    public static T Read<T>(this IModelEntryReader reader, string entry, Func<Stream, T> read)
    {
        using var stream = reader.Open(entry);
        try
        {
            return read(stream);
        }
        catch (Exception exception)
            when (exception
                    is InvalidDataException
                        or EndOfStreamException
                        or FormatException
                        or System.Text.Json.JsonException
                        or ArgumentException
                        or OverflowException
            )
        {
            throw new InvalidDataException($"{entry}: {exception.Message}", exception);
        }
    }
}
