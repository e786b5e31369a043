using System.Buffers.Binary;
using System.IO.Compression;
using SkiaSharp;

namespace MlNetIconclass.Tests.Features;

/// <summary>Small images the tests make themselves, in the formats collections hold.</summary>
internal static class TestImages
{
    public static string Cmyk => Path.Combine(AppContext.BaseDirectory, "Features", "Images", "cmyk.jpg");

    /// <summary>A picture with a colour field and a stripe, encoded as asked.</summary>
    public static string Write(
        string path,
        SKColor color,
        int width = 64,
        int height = 48,
        SKColorType colorType = SKColorType.Rgba8888,
        SKAlphaType alphaType = SKAlphaType.Premul,
        SKEncodedImageFormat format = SKEncodedImageFormat.Png
    )
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, colorType, alphaType));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(color);
            using var paint = new SKPaint { Color = SKColors.Black };
            canvas.DrawRect(0, height / 3f, width, height / 6f, paint);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    /// <summary>A 16-bit RGB PNG, written by hand: SkiaSharp 2.88 does not encode 16-bit PNG.</summary>
    public static string WriteSixteenBitPng(string path, int width, int height, ushort grey)
    {
        var scanlines = new MemoryStream();
        for (int y = 0; y < height; y++)
        {
            scanlines.WriteByte(0); // no filter
            for (int x = 0; x < width * 3; x++)
            {
                scanlines.WriteByte((byte)(grey >> 8));
                scanlines.WriteByte((byte)grey);
            }
        }
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            scanlines.WriteTo(zlib);

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 16; // bit depth
        header[9] = 2; // RGB
        using var file = File.Create(path);
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(file, "IHDR", header);
        WriteChunk(file, "IDAT", compressed.ToArray());
        WriteChunk(file, "IEND", []);
        return path;
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        stream.Write(number);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        stream.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typed));
        stream.Write(number);
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}
