/*
 * sharpvl-video-worker: a long-lived child process that probes and decodes videos for SharpVL's VideoReader with the
 * system's libavformat / libavcodec / libavfilter, one request after another.
 *
 * Why a process of our own: starting the ffmpeg and ffprobe executables costs ~55 ms of CPU each (the dynamic loader
 * binds ~215 shared libraries), which is more than decoding a short clip. A folder run pays that twice per video; this
 * worker pays it once per folder. It stays a separate process so that a decoder crash on a hostile file ends the worker,
 * not the .NET process (the reader reports the file and starts a new worker).
 *
 * It does what the reader's ffmpeg command lines do, with the same libraries, so the frames are the same bytes:
 *   probe:  what `ffprobe -show_streams -show_format -of json` reports, for the fields the reader reads, in the same
 *           JSON shape (the reader parses both with one parser);
 *   decode: `ffmpeg -noautorotate -thread_type slice -i URL -map 0:S -vf "select=..., FILTERS" -fps_mode passthrough
 *           -pix_fmt rgb24`:
 *           every decoded frame numbered in decoder output order, the requested ones sent through FILTERS (the
 *           PyAV-exact scale, optional rotation) and a final format=rgb24, as the CLI's output filter does. Decoding
 *           stops after the last requested frame. Decode errors and corrupt frames are logged with the CLI's wording,
 *           which the reader counts.
 *
 * Protocol (stdin: requests; stdout: records; all integers little-endian int32):
 *   request  "version\n": the libav versions this worker runs with ('J': {"libavcodec": "59.37.100", ...})
 *            "probe <url-bytes>\n" url
 *            "decode <url-bytes> <filter-bytes> <stream> <max-pixels> <count>\n" url filter index[count] (ascending)
 *   record   type(1 byte) length(int32) payload
 *            'L' a log line as `-loglevel repeat+level+warning` prints it (no newline)
 *            'J' the probe JSON
 *            'F' index, width, height, then width*height*3 bytes of rgb24
 *            'E' status (0, or the libav error code of a request that could not be served), frames decoded; ends
 *                every request (a decode that ends before its last requested frame decoded the whole stream)
 * The worker exits when stdin ends.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavformat/avformat.h>
#include <libavutil/bprint.h>
#include <libavutil/display.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
#include <malloc.h>

#define MAX_URL_BYTES (1 << 20)
#define MAX_FILTER_BYTES (1 << 20)
#define MAX_INDICES (1 << 24)
#define MAX_DRAIN_ERRORS 10000

/* Records are written whole under this lock: decoder threads log while the main thread writes frames. */
static pthread_mutex_t output_lock = PTHREAD_MUTEX_INITIALIZER;

static void write_all(const void *data, size_t size)
{
    if (size > 0 && fwrite(data, 1, size, stdout) != size) {
        _exit(3); /* the reader is gone */
    }
}

static void write_int32(int32_t value)
{
    uint8_t bytes[4] = {(uint8_t)value, (uint8_t)(value >> 8), (uint8_t)(value >> 16), (uint8_t)(value >> 24)};
    write_all(bytes, 4);
}

/* Caller holds output_lock. */
static void begin_record(char type, size_t length)
{
    if (length > INT32_MAX) {
        _exit(4);
    }
    write_all(&type, 1);
    write_int32((int32_t)length);
}

static void write_record(char type, const void *payload, size_t length)
{
    pthread_mutex_lock(&output_lock);
    begin_record(type, length);
    write_all(payload, length);
    if (type != 'L') {
        fflush(stdout);
    }
    pthread_mutex_unlock(&output_lock);
}

/*
 * libav's log callback, formatting like the CLI's default callback with AV_LOG_PRINT_LEVEL ("[h264 @ 0x..] [error]
 * text"). Messages may arrive in pieces; a line is sent once its newline arrives.
 */
static char pending_line[1 << 16];
static size_t pending_length;
static int print_prefix = 1;

static void log_callback(void *context, int level, const char *format, va_list arguments)
{
    if (level > av_log_get_level()) {
        return;
    }
    /* Large enough for any message naming a path (PATH_MAX), so no line loses its end; guarded by the lock. */
    static char piece[1 << 16];
    pthread_mutex_lock(&output_lock);
    av_log_format_line2(context, level, format, arguments, piece, sizeof piece, &print_prefix);
    for (const char *c = piece; *c; c++) {
        if (*c == '\n' || pending_length == sizeof pending_line - 1) {
            begin_record('L', pending_length);
            write_all(pending_line, pending_length);
            pending_length = 0;
            if (*c == '\n') {
                continue;
            }
        }
        pending_line[pending_length++] = *c;
    }
    pthread_mutex_unlock(&output_lock);
}

static void flush_log(void)
{
    pthread_mutex_lock(&output_lock);
    if (pending_length > 0) {
        begin_record('L', pending_length);
        write_all(pending_line, pending_length);
        pending_length = 0;
        print_prefix = 1;
    }
    pthread_mutex_unlock(&output_lock);
}

static void end_request(int32_t status, int32_t decoded)
{
    /* A large file's frames should not stay in this long-lived process's heap after it is done. */
    malloc_trim(0);
    flush_log();
    pthread_mutex_lock(&output_lock);
    begin_record('E', 8);
    write_int32(status);
    write_int32(decoded);
    fflush(stdout);
    pthread_mutex_unlock(&output_lock);
}

/* The CLI's print_error: "URL: message". */
static void log_error(const char *url, int error)
{
    char text[AV_ERROR_MAX_STRING_SIZE];
    av_strerror(error, text, sizeof text);
    av_log(NULL, AV_LOG_ERROR, "%s: %s\n", url, text);
}

/* Opens `url` as ffmpeg and ffprobe do: they both ask the MPEG-TS demuxer to scan every program's PMT. */
static int open_input(AVFormatContext **input, const char *url)
{
    AVDictionary *options = NULL;
    av_dict_set(&options, "scan_all_pmts", "1", AV_DICT_DONT_OVERWRITE);
    int status = avformat_open_input(input, url, NULL, &options);
    av_dict_free(&options);
    return status;
}

/* --- probe: ffprobe's JSON for the fields the reader uses --------------------------------------------------------- */

static void json_string(AVBPrint *out, const char *text)
{
    av_bprint_chars(out, '"', 1);
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if (*c == '"' || *c == '\\') {
            av_bprintf(out, "\\%c", *c);
        } else if (*c < 0x20) {
            av_bprintf(out, "\\u%04x", *c);
        } else {
            av_bprint_chars(out, (char)*c, 1);
        }
    }
    av_bprint_chars(out, '"', 1);
}

static void json_key(AVBPrint *out, int *first, const char *key)
{
    av_bprintf(out, "%s\"%s\":", *first ? "" : ",", key);
    *first = 0;
}

static const uint8_t *display_matrix(const AVStream *stream)
{
#if LIBAVFORMAT_VERSION_MAJOR < 61
    size_t size = 0;
    const uint8_t *data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
    return data != NULL && size >= 9 * sizeof(int32_t) ? data : NULL;
#else
    const AVPacketSideData *side = av_packet_side_data_get(stream->codecpar->coded_side_data,
                                                           stream->codecpar->nb_coded_side_data, AV_PKT_DATA_DISPLAYMATRIX);
    return side != NULL && side->size >= 9 * sizeof(int32_t) ? side->data : NULL;
#endif
}

static void probe_stream(AVBPrint *out, const AVStream *stream)
{
    const AVCodecParameters *par = stream->codecpar;
    int first = 1;
    av_bprint_chars(out, '{', 1);
    json_key(out, &first, "index");
    av_bprintf(out, "%d", stream->index);
    const AVCodecDescriptor *descriptor = avcodec_descriptor_get(par->codec_id);
    json_key(out, &first, "codec_name");
    json_string(out, descriptor != NULL ? descriptor->name : "unknown");
    const char *type = av_get_media_type_string(par->codec_type);
    if (type != NULL) {
        json_key(out, &first, "codec_type");
        json_string(out, type);
    }
    if (par->codec_type == AVMEDIA_TYPE_VIDEO) {
        json_key(out, &first, "width");
        av_bprintf(out, "%d", par->width);
        json_key(out, &first, "height");
        av_bprintf(out, "%d", par->height);
        const char *pixel_format = av_get_pix_fmt_name((enum AVPixelFormat)par->format);
        json_key(out, &first, "pix_fmt");
        json_string(out, pixel_format != NULL ? pixel_format : "unknown");
    }
    json_key(out, &first, "r_frame_rate");
    av_bprintf(out, "\"%d/%d\"", stream->r_frame_rate.num, stream->r_frame_rate.den);
    json_key(out, &first, "avg_frame_rate");
    av_bprintf(out, "\"%d/%d\"", stream->avg_frame_rate.num, stream->avg_frame_rate.den);
    if (stream->duration != AV_NOPTS_VALUE) {
        json_key(out, &first, "duration");
        av_bprintf(out, "\"%f\"", stream->duration * av_q2d(stream->time_base));
    }
    if (stream->nb_frames > 0) {
        json_key(out, &first, "nb_frames");
        av_bprintf(out, "\"%" PRId64 "\"", stream->nb_frames);
    }
    json_key(out, &first, "disposition");
    av_bprintf(out, "{\"attached_pic\":%d}", (stream->disposition & AV_DISPOSITION_ATTACHED_PIC) ? 1 : 0);
    const AVDictionaryEntry *rotate = av_dict_get(stream->metadata, "rotate", NULL, 0);
    if (rotate != NULL) {
        json_key(out, &first, "tags");
        av_bprintf(out, "{\"rotate\":");
        json_string(out, rotate->value);
        av_bprint_chars(out, '}', 1);
    }
    const uint8_t *matrix = display_matrix(stream);
    if (matrix != NULL) {
        /* ffprobe prints the nine int32 as three rows "offset: a b c". */
        int32_t values[9];
        memcpy(values, matrix, sizeof values);
        json_key(out, &first, "side_data_list");
        av_bprintf(out, "[{\"side_data_type\":\"Display Matrix\",\"displaymatrix\":\"");
        for (int row = 0; row < 3; row++) {
            av_bprintf(out, "\\n%08x: %11d %11d %11d", row * 12, values[3 * row], values[3 * row + 1], values[3 * row + 2]);
        }
        av_bprintf(out, "\\n\"}]");
    }
    av_bprint_chars(out, '}', 1);
}

static int probe(const char *url)
{
    AVFormatContext *input = NULL;
    int status = open_input(&input, url);
    if (status < 0) {
        log_error(url, status);
        return status;
    }
    status = avformat_find_stream_info(input, NULL);
    if (status < 0) {
        log_error(url, status);
        avformat_close_input(&input);
        return status;
    }
    AVBPrint json;
    av_bprint_init(&json, 0, AV_BPRINT_SIZE_UNLIMITED);
    av_bprintf(&json, "{\"streams\":[");
    for (unsigned i = 0; i < input->nb_streams; i++) {
        if (i > 0) {
            av_bprint_chars(&json, ',', 1);
        }
        probe_stream(&json, input->streams[i]);
    }
    av_bprintf(&json, "],\"format\":{");
    if (input->duration != AV_NOPTS_VALUE) {
        av_bprintf(&json, "\"duration\":\"%f\"", input->duration / (double)AV_TIME_BASE);
    }
    av_bprintf(&json, "}}");
    avformat_close_input(&input);
    if (!av_bprint_is_complete(&json)) {
        av_bprint_finalize(&json, NULL);
        return AVERROR(ENOMEM);
    }
    flush_log();
    write_record('J', json.str, json.len);
    av_bprint_finalize(&json, NULL);
    return 0;
}

/* --- decode: the selected frames as rgb24 ---------------------------------------------------------------------- */

typedef struct Decoding {
    const char *url;
    int stream_index;
    const char *filters;
    int64_t max_pixels;
    const int32_t *wanted;
    int count;
    int next;    /* position in wanted of the next frame to send */
    int decoded; /* frames the decoder has delivered */
    AVFilterGraph *graph;
    AVFilterContext *source;
    AVFilterContext *sink;
    int graph_width, graph_height, graph_format;
    AVRational time_base;
    AVFrame *filtered;
} Decoding;

/* Builds buffer -> FILTERS -> format=rgb24 -> buffersink for frames like `frame`, as the CLI does on the first frame
 * and again whenever the frame size or format changes. */
static int configure_graph(Decoding *d, const AVFrame *frame)
{
    avfilter_graph_free(&d->graph);
    d->graph = avfilter_graph_alloc();
    if (d->graph == NULL) {
        return AVERROR(ENOMEM);
    }
    d->graph->scale_sws_opts = av_strdup("flags=bilinear");
    char arguments[256];
    AVRational aspect = frame->sample_aspect_ratio;
    snprintf(arguments, sizeof arguments, "video_size=%dx%d:pix_fmt=%d:time_base=%d/%d:pixel_aspect=%d/%d",
             frame->width, frame->height, frame->format, d->time_base.num, d->time_base.den, aspect.num,
             aspect.den > 0 ? aspect.den : 1);
    int status = avfilter_graph_create_filter(&d->source, avfilter_get_by_name("buffer"), "in", arguments, NULL, d->graph);
    if (status < 0) {
        return status;
    }
    status = avfilter_graph_create_filter(&d->sink, avfilter_get_by_name("buffersink"), "out", NULL, NULL, d->graph);
    if (status < 0) {
        return status;
    }
    AVFilterInOut *outputs = avfilter_inout_alloc(), *inputs = avfilter_inout_alloc();
    AVBPrint chain;
    av_bprint_init(&chain, 0, AV_BPRINT_SIZE_UNLIMITED);
    av_bprintf(&chain, "%s,format=rgb24", d->filters);
    if (outputs == NULL || inputs == NULL || !av_bprint_is_complete(&chain)) {
        status = AVERROR(ENOMEM);
    } else {
        outputs->name = av_strdup("in");
        outputs->filter_ctx = d->source;
        inputs->name = av_strdup("out");
        inputs->filter_ctx = d->sink;
        status = avfilter_graph_parse_ptr(d->graph, chain.str, &inputs, &outputs, NULL);
        if (status >= 0) {
            status = avfilter_graph_config(d->graph, NULL);
        }
    }
    avfilter_inout_free(&inputs);
    avfilter_inout_free(&outputs);
    av_bprint_finalize(&chain, NULL);
    d->graph_width = frame->width;
    d->graph_height = frame->height;
    d->graph_format = frame->format;
    return status;
}

static int write_frame(Decoding *d, const AVFrame *frame)
{
    int64_t pixels = (int64_t)frame->width * frame->height;
    if (frame->format != AV_PIX_FMT_RGB24 || pixels <= 0 || pixels > d->max_pixels) {
        av_log(NULL, AV_LOG_ERROR, "%s: a %dx%d frame is larger than the reader allows\n", d->url, frame->width, frame->height);
        return AVERROR(ERANGE);
    }
    size_t row = (size_t)frame->width * 3;
    pthread_mutex_lock(&output_lock);
    begin_record('F', 12 + row * (size_t)frame->height);
    write_int32(d->wanted[d->next]);
    write_int32(frame->width);
    write_int32(frame->height);
    for (int y = 0; y < frame->height; y++) {
        write_all(frame->data[0] + (ptrdiff_t)y * frame->linesize[0], row);
    }
    fflush(stdout);
    pthread_mutex_unlock(&output_lock);
    d->next++;
    return 0;
}

static int pull_filtered(Decoding *d)
{
    int status;
    while (d->next < d->count && (status = av_buffersink_get_frame(d->sink, d->filtered)) >= 0) {
        status = write_frame(d, d->filtered);
        av_frame_unref(d->filtered);
        if (status < 0) {
            return status;
        }
    }
    return 0;
}

/* One frame out of the decoder: counted, checked for damage, and filtered when it is a requested one. */
static int take_frame(Decoding *d, AVFrame *frame)
{
    int number = d->decoded++;
    if (frame->decode_error_flags || (frame->flags & AV_FRAME_FLAG_CORRUPT)) {
        av_log(NULL, AV_LOG_WARNING, "%s: corrupt decoded frame in stream %d\n", d->url, d->stream_index);
    }
    if (d->next >= d->count || number != d->wanted[d->next]) {
        return 0;
    }
    int status = 0;
    if (d->graph == NULL || frame->width != d->graph_width || frame->height != d->graph_height || frame->format != d->graph_format) {
        status = configure_graph(d, frame);
        if (status < 0) {
            log_error(d->url, status);
            return status;
        }
    }
    status = av_buffersrc_add_frame_flags(d->source, frame, AV_BUFFERSRC_FLAG_KEEP_REF);
    return status < 0 ? status : pull_filtered(d);
}

static void log_decode_error(const Decoding *d, int error)
{
    char text[AV_ERROR_MAX_STRING_SIZE];
    av_strerror(error, text, sizeof text);
    av_log(NULL, AV_LOG_ERROR, "Error while decoding stream #0:%d: %s\n", d->stream_index, text);
}

static int decode(const char *url, const char *filters, int stream_index, int64_t max_pixels, const int32_t *wanted, int count,
                  int *decoded)
{
    Decoding d = {.url = url, .stream_index = stream_index, .filters = filters, .max_pixels = max_pixels,
                  .wanted = wanted, .count = count};
    AVFormatContext *input = NULL;
    AVCodecContext *decoder = NULL;
    AVPacket *packet = av_packet_alloc();
    AVFrame *frame = av_frame_alloc();
    d.filtered = av_frame_alloc();
    int status = packet != NULL && frame != NULL && d.filtered != NULL ? 0 : AVERROR(ENOMEM);
    if (status == 0 && (status = open_input(&input, url)) < 0) {
        log_error(url, status);
    }
    if (status == 0 && (status = avformat_find_stream_info(input, NULL)) < 0) {
        log_error(url, status);
    }
    if (status == 0 && (stream_index < 0 || (unsigned)stream_index >= input->nb_streams)) {
        av_log(NULL, AV_LOG_ERROR, "%s: stream %d does not exist\n", url, stream_index);
        status = AVERROR_STREAM_NOT_FOUND;
    }
    if (status == 0) {
        AVStream *stream = input->streams[stream_index];
        for (unsigned i = 0; i < input->nb_streams; i++) {
            input->streams[i]->discard = (int)i == stream_index ? AVDISCARD_NONE : AVDISCARD_ALL; /* as the CLI's -map */
        }
        d.time_base = stream->time_base;
        const AVCodec *codec = avcodec_find_decoder(stream->codecpar->codec_id);
        if (codec == NULL) {
            av_log(NULL, AV_LOG_ERROR, "Decoder (codec %s) not found for input stream #0:%d\n",
                   avcodec_get_name(stream->codecpar->codec_id), stream_index);
            status = AVERROR_DECODER_NOT_FOUND;
        } else if ((decoder = avcodec_alloc_context3(codec)) == NULL) {
            status = AVERROR(ENOMEM);
        } else if ((status = avcodec_parameters_to_context(decoder, stream->codecpar)) >= 0) {
            decoder->pkt_timebase = stream->time_base;
            AVDictionary *options = NULL;
            /* PyAV's defaults: as many threads as cores, slice threading only. Frame threading (the ffmpeg CLI's default)
             * conceals errors in damaged streams differently from run to run; slice threading is deterministic. */
            av_dict_set(&options, "threads", "auto", 0);
            av_dict_set(&options, "thread_type", "slice", 0);
            status = avcodec_open2(decoder, codec, &options);
            av_dict_free(&options);
            if (status < 0) {
                av_log(NULL, AV_LOG_ERROR, "Error while opening decoder for input stream #0:%d : %s\n", stream_index,
                       av_err2str(status));
            }
        }
    }
    int at_end = 0, drain_errors = 0;
    while (status >= 0 && d.next < d.count) {
        if (!at_end) {
            int read = av_read_frame(input, packet);
            if (read < 0) {
                if (read != AVERROR_EOF) {
                    log_error(url, read);
                }
                at_end = 1;
                /* Entering drain mode decodes what the threads hold: it can fail like any packet. */
                int sent = avcodec_send_packet(decoder, NULL);
                if (sent < 0 && sent != AVERROR_EOF) {
                    log_decode_error(&d, sent);
                    continue;
                }
            } else if (packet->stream_index != stream_index || packet->size == 0) {
                /* An empty packet would put the decoder into drain mode: the CLI skips those too. */
                av_packet_unref(packet);
                continue;
            } else {
                int sent = avcodec_send_packet(decoder, packet);
                av_packet_unref(packet);
                if (sent < 0 && sent != AVERROR_EOF) {
                    log_decode_error(&d, sent); /* the packet is dropped, as the CLI does */
                    continue;
                }
            }
        }
        int received;
        while (status >= 0 && d.next < d.count && (received = avcodec_receive_frame(decoder, frame)) >= 0) {
            status = take_frame(&d, frame);
            av_frame_unref(frame);
        }
        if (status < 0 || d.next >= d.count || received == AVERROR_EOF) {
            break;
        }
        if (received != AVERROR(EAGAIN)) {
            log_decode_error(&d, received);
            if (at_end && ++drain_errors > MAX_DRAIN_ERRORS) {
                break;
            }
        } else if (at_end) {
            break; /* nothing more will come */
        }
    }
    if (status >= 0 && d.graph != NULL && d.next < d.count) {
        /* Frames a filter may still hold (none of the reader's filters hold any). */
        if (av_buffersrc_add_frame(d.source, NULL) >= 0) {
            status = pull_filtered(&d);
        }
    }
    avfilter_graph_free(&d.graph);
    av_frame_free(&d.filtered);
    av_frame_free(&frame);
    av_packet_free(&packet);
    avcodec_free_context(&decoder);
    avformat_close_input(&input);
    *decoded = d.decoded;
    return status;
}

/* --- version: which libraries the worker runs with -------------------------------------------------------------- */

static void version(void)
{
    const struct {
        const char *name;
        unsigned value;
    } libraries[] = {
        {"libavutil", avutil_version()},       {"libavcodec", avcodec_version()}, {"libavformat", avformat_version()},
        {"libavfilter", avfilter_version()},   {"libswscale", swscale_version()},
    };
    AVBPrint json;
    av_bprint_init(&json, 0, AV_BPRINT_SIZE_UNLIMITED);
    for (size_t i = 0; i < sizeof libraries / sizeof libraries[0]; i++) {
        unsigned v = libraries[i].value;
        av_bprintf(&json, "%s\"%s\":\"%u.%u.%u\"", i == 0 ? "{" : ",", libraries[i].name, v >> 16, (v >> 8) & 0xff, v & 0xff);
    }
    av_bprintf(&json, "}");
    write_record('J', json.str, json.len);
    av_bprint_finalize(&json, NULL);
}

/* --- the request loop ------------------------------------------------------------------------------------------ */

static char *read_bytes(size_t size)
{
    char *bytes = malloc(size + 1);
    if (bytes == NULL || fread(bytes, 1, size, stdin) != size) {
        exit(0); /* the reader is gone */
    }
    bytes[size] = 0;
    return bytes;
}

int main(void)
{
    av_log_set_flags(AV_LOG_PRINT_LEVEL);
    av_log_set_level(AV_LOG_WARNING);
    av_log_set_callback(log_callback);
    static char output_buffer[1 << 16];
    setvbuf(stdout, output_buffer, _IOFBF, sizeof output_buffer);
    char header[256];
    while (fgets(header, sizeof header, stdin) != NULL) {
        long url_bytes = 0, filter_bytes = 0, stream = 0, count = 0;
        long long max_pixels = 0;
        if (strcmp(header, "version\n") == 0) {
            version();
            end_request(0, 0);
        } else if (sscanf(header, "probe %ld", &url_bytes) == 1 && url_bytes > 0 && url_bytes <= MAX_URL_BYTES) {
            char *url = read_bytes((size_t)url_bytes);
            end_request(probe(url), 0);
            free(url);
        } else if (sscanf(header, "decode %ld %ld %ld %lld %ld", &url_bytes, &filter_bytes, &stream, &max_pixels, &count) == 5
                   && url_bytes > 0 && url_bytes <= MAX_URL_BYTES && filter_bytes > 0 && filter_bytes <= MAX_FILTER_BYTES
                   && stream >= 0 && stream <= INT_MAX && max_pixels > 0 && count > 0 && count <= MAX_INDICES) {
            char *url = read_bytes((size_t)url_bytes);
            char *filters = read_bytes((size_t)filter_bytes);
            int32_t *wanted = (int32_t *)read_bytes((size_t)count * sizeof(int32_t));
            int decoded = 0;
            int status = decode(url, filters, (int)stream, max_pixels, wanted, (int)count, &decoded);
            end_request(status, decoded);
            free(wanted);
            free(filters);
            free(url);
        } else {
            fprintf(stderr, "sharpvl-video-worker: malformed request\n");
            return 2;
        }
    }
    return 0;
}
