// Scaled dot-product attention for x86-64 CPUs with AVX-512: softmax(q·kᵀ·scale + mask)·v over [batch, heads, tokens,
// head_dim] tensors, float32 (exact: float32 products and sums, only the summation order differs from libtorch's) and
// bfloat16 (bf16 products with float32 accumulation and float32 softmax statistics, like every bf16 attention kernel).
//
// Why hand-written: on CPUs without AMX, libtorch's fused CPU attention runs bf16 no faster than float32 (its block
// products go through generic GEMM calls), and per-head BLAS calls measured about half its speed. Here the two
// products run in register-blocked AVX-512 micro-kernels (AVX512-BF16's vdpbf16ps for bfloat16) on tiles that stay in
// the core's L2 cache: for each block of query rows, the whole score row block (block × keys) is computed, turned into
// probabilities in place, and multiplied by v, so no online rescaling is needed and each row's softmax is the plain one.
//
// Threads: OpenMP (the runtime the system's oneDNN also uses), over (batch, head, query block) tasks; each thread keeps
// its scratch (freed when the thread ends).
// Built by src/SharpVL/SharpVL.csproj (target BuildNativeAttention); loaded by NativeAttention.cs, which falls back to
// libtorch when this library or the CPU features are missing.

#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

#define ALWAYS_INLINE static inline __attribute__((always_inline))
#define EXPORT __attribute__((visibility("default")))

enum { DTYPE_FLOAT32 = 0, DTYPE_BFLOAT16 = 1 };
enum { STATUS_OK = 0, STATUS_UNSUPPORTED = 1, STATUS_OUT_OF_MEMORY = 2 };

// Query rows per task: the score block (rows × keys, float32) then stays in L2 next to the packed keys and values.
#define QUERY_BLOCK 64

/// Bit 0: float32 supported (AVX-512 F/BW/VL/DQ); bit 1: bfloat16 supported (also AVX512-BF16).
EXPORT int sharpvl_attention_capabilities(void) {
    __builtin_cpu_init();
    int caps = 0;
    // the kernels are compiled for AVX-512 F/BW/VL/DQ (what every AVX-512 CPU since Skylake-SP has)
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512dq"))
        caps |= 1;
    if ((caps & 1) && __builtin_cpu_supports("avx512bf16")) caps |= 2;
    return caps;
}

// Everything below runs only after the capability check: it is compiled for AVX-512 (and AVX512-BF16).
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16,fma")

// ---------------------------------------------------------------------------------------------------------------
// Per-thread scratch that only grows: attention runs once per layer, and allocating megabytes per call would page-fault
// them in again every time. Kept under a pthread key so a thread's buffers are freed when the thread ends (.NET pool
// threads and their OpenMP workers come and go in a long-running process).

typedef struct {
    void* data;
    size_t bytes;
} scratch_t;

typedef struct {
    scratch_t packed_keys, packed_values, scores, probabilities;
} thread_scratch_t;

static pthread_key_t scratch_key;
static pthread_once_t scratch_key_once = PTHREAD_ONCE_INIT;

static void free_thread_scratch(void* pointer) {
    thread_scratch_t* scratch = pointer;
    free(scratch->packed_keys.data);
    free(scratch->packed_values.data);
    free(scratch->scores.data);
    free(scratch->probabilities.data);
    free(scratch);
}

static void create_scratch_key(void) { pthread_key_create(&scratch_key, free_thread_scratch); }

static thread_scratch_t* thread_scratch(void) {
    pthread_once(&scratch_key_once, create_scratch_key);
    thread_scratch_t* scratch = pthread_getspecific(scratch_key);
    if (!scratch) {
        scratch = calloc(1, sizeof *scratch);
        if (scratch && pthread_setspecific(scratch_key, scratch) != 0) {
            free(scratch);
            scratch = NULL;
        }
    }
    return scratch;
}

static void* scratch_get(scratch_t* scratch, size_t bytes) {
    if (scratch->bytes < bytes) {
        free(scratch->data);
        size_t rounded = (bytes + 4095) & ~(size_t)4095;
        scratch->data = aligned_alloc(64, rounded);
        scratch->bytes = scratch->data ? rounded : 0;
    }
    return scratch->data;
}

// ---------------------------------------------------------------------------------------------------------------
// exp(x) for float32 lanes: 2^n · e^r with r = x − n·ln2 in [−ln2/2, ln2/2] (Cody–Waite split of ln2) and a Taylor
// polynomial of the given degree: 7 keeps the relative error below 1e-8 (under float32's half ulp) for the float32
// kernel; 5 (below 3e-6) is far under bfloat16's 2⁻⁹ for the bf16 kernel, whose probabilities are rounded to bf16.
// vscalefps applies 2^n and flushes to 0 for very negative x. NaN stays NaN; −∞ gives 0.

ALWAYS_INLINE __m512 exp512(__m512 x, const int degree) {
    static const float inverse_factorials[8] = {1.0f, 1.0f, 0.5f, 1.0f / 6, 1.0f / 24, 1.0f / 120, 1.0f / 720, 1.0f / 5040};
    x = _mm512_max_ps(_mm512_set1_ps(-1000.0f), x);  // second operand is returned for NaN, so NaN passes
    x = _mm512_min_ps(_mm512_set1_ps(100.0f), x);
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693145751953125f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(1.428606765330187045e-06f), r);
    __m512 p = _mm512_set1_ps(inverse_factorials[degree]);
#pragma GCC unroll 8
    for (int i = degree - 1; i >= 0; i--) p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(inverse_factorials[i]));
    return _mm512_scalef_ps(p, n);
}

// float32 → bfloat16 conversions use vcvtneps2bf16: round to nearest even, like PyTorch's conversion.

// ---------------------------------------------------------------------------------------------------------------
// Packing. float32 keys: [key block of 16][d][16] so one d step of a 16-key tile is one vector. bfloat16 keys:
// [key block of 16][d/2][16][2] and values [key/2][d][2]: vdpbf16ps multiplies adjacent bf16 pairs, so the reduction
// dimension (d for q·kᵀ, keys for p·v) is interleaved in pairs. Padding is zero.

static void pack_keys_f32(const float* k, int64_t key_stride, int64_t tk, int64_t d, float* out) {
    int64_t blocks = (tk + 15) / 16;
    for (int64_t b = 0; b < blocks; b++) {
        float* dst = out + b * d * 16;
        for (int64_t j = 0; j < 16; j++) {
            int64_t key = b * 16 + j;
            if (key < tk) {
                const float* src = k + key * key_stride;
                for (int64_t e = 0; e < d; e++) dst[e * 16 + j] = src[e];
            } else {
                for (int64_t e = 0; e < d; e++) dst[e * 16 + j] = 0.0f;
            }
        }
    }
}

static void pack_keys_bf16(const uint16_t* k, int64_t key_stride, int64_t tk, int64_t d, uint16_t* out) {
    int64_t blocks = (tk + 15) / 16;
    for (int64_t b = 0; b < blocks; b++) {
        uint16_t* dst = out + b * d * 16;
        for (int64_t j = 0; j < 16; j++) {
            int64_t key = b * 16 + j;
            for (int64_t e = 0; e < d; e += 2) {
                uint16_t lo = 0, hi = 0;
                if (key < tk) {
                    lo = k[key * key_stride + e];
                    hi = k[key * key_stride + e + 1];
                }
                dst[(e / 2) * 32 + j * 2] = lo;
                dst[(e / 2) * 32 + j * 2 + 1] = hi;
            }
        }
    }
}

static void pack_values_bf16(const uint16_t* v, int64_t key_stride, int64_t tk, int64_t d, uint16_t* out) {
    int64_t pairs = (tk + 1) / 2;
    for (int64_t p = 0; p < pairs; p++) {
        const uint16_t* row0 = v + (2 * p) * key_stride;
        const uint16_t* row1 = 2 * p + 1 < tk ? v + (2 * p + 1) * key_stride : NULL;
        uint16_t* dst = out + p * d * 2;
        for (int64_t e = 0; e < d; e++) {
            dst[2 * e] = row0[e];
            dst[2 * e + 1] = row1 ? row1[e] : 0;
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Micro-kernels. R rows × C vectors of 16 accumulators (≤ 24 live), R and C compile-time constants at every call.

#define MAX_ROWS 6
#define MAX_COLS 4

// The end of both score tiles: scale the accumulators, store them as score rows and fold them into the lane-wise row
// maxima (the last column block only over its valid keys). Inlined into each tile, so the accumulators stay in registers.
ALWAYS_INLINE void store_scaled_scores(__m512 acc[MAX_ROWS][MAX_COLS], float* s, int64_t s_stride, float scale,
                                       __mmask16 last_mask, __m512* row_max, const int R, const int C) {
    const __m512 vscale = _mm512_set1_ps(scale);
#pragma GCC unroll 6
    for (int r = 0; r < R; r++) {
        __m512 m = row_max[r];
#pragma GCC unroll 4
        for (int c = 0; c < C; c++) {
            acc[r][c] = _mm512_mul_ps(acc[r][c], vscale);
            _mm512_store_ps(s + r * s_stride + c * 16, acc[r][c]);
            m = c == C - 1 ? _mm512_mask_max_ps(m, last_mask, m, acc[r][c]) : _mm512_max_ps(m, acc[r][c]);
        }
        row_max[r] = m;
    }
}

// scores[r][c·16 + i] = scale · Σ_e q[r][e] · k[key block c][e][i]    (float32); row_max[r] takes the lane-wise
// maximum over the valid keys (last_mask: the valid lanes of the last vector).
ALWAYS_INLINE void scores_tile_f32(const float* q, int64_t q_stride, const float* kp, int64_t d, float* s, int64_t s_stride,
                                   float scale, __mmask16 last_mask, __m512* row_max,
                                   const int R, const int C) {
    __m512 acc[MAX_ROWS][MAX_COLS];
#pragma GCC unroll 6
    for (int r = 0; r < R; r++)
#pragma GCC unroll 4
        for (int c = 0; c < C; c++) acc[r][c] = _mm512_setzero_ps();
    for (int64_t e = 0; e < d; e++) {
        __m512 b[MAX_COLS];
#pragma GCC unroll 4
        for (int c = 0; c < C; c++) b[c] = _mm512_load_ps(kp + (c * d + e) * 16);
#pragma GCC unroll 6
        for (int r = 0; r < R; r++) {
            __m512 a = _mm512_set1_ps(q[r * q_stride + e]);
#pragma GCC unroll 4
            for (int c = 0; c < C; c++) acc[r][c] = _mm512_fmadd_ps(a, b[c], acc[r][c]);
        }
    }
    store_scaled_scores(acc, s, s_stride, scale, last_mask, row_max, R, C);
}

// The same with bfloat16 pairs and float32 accumulation.
ALWAYS_INLINE void scores_tile_bf16(const uint16_t* q, int64_t q_stride, const uint16_t* kp, int64_t d, float* s,
                                    int64_t s_stride, float scale, __mmask16 last_mask, __m512* row_max,
                                   const int R, const int C) {
    __m512 acc[MAX_ROWS][MAX_COLS];
#pragma GCC unroll 6
    for (int r = 0; r < R; r++)
#pragma GCC unroll 4
        for (int c = 0; c < C; c++) acc[r][c] = _mm512_setzero_ps();
    for (int64_t e = 0; e < d; e += 2) {
        __m512i b[MAX_COLS];
#pragma GCC unroll 4
        for (int c = 0; c < C; c++) b[c] = _mm512_load_si512((const void*)(kp + c * d * 16 + e * 16));
#pragma GCC unroll 6
        for (int r = 0; r < R; r++) {
            int32_t pair;
            memcpy(&pair, q + r * q_stride + e, sizeof pair);
            __m512i a = _mm512_set1_epi32(pair);
#pragma GCC unroll 4
            for (int c = 0; c < C; c++) acc[r][c] = _mm512_dpbf16_ps(acc[r][c], (__m512bh)a, (__m512bh)b[c]);
        }
    }
    store_scaled_scores(acc, s, s_stride, scale, last_mask, row_max, R, C);
}

// out[r][c·16 + i] = (Σ_j p[r][j] · v[j][c·16 + i]) · inv[r]    (float32; v rows at v_stride)
ALWAYS_INLINE void context_tile_f32(const float* p, int64_t p_stride, const float* v, int64_t v_stride, int64_t tk,
                                    const float* inv, float* out, int64_t out_stride, __mmask16 tail, const int R, const int C) {
    __m512 acc[MAX_ROWS][MAX_COLS];
#pragma GCC unroll 6
    for (int r = 0; r < R; r++)
#pragma GCC unroll 4
        for (int c = 0; c < C; c++) acc[r][c] = _mm512_setzero_ps();
    for (int64_t j = 0; j < tk; j++) {
        __m512 b[MAX_COLS];
#pragma GCC unroll 4
        for (int c = 0; c < C; c++) b[c] = _mm512_maskz_loadu_ps(c == C - 1 ? tail : (__mmask16)0xFFFF, v + j * v_stride + c * 16);
#pragma GCC unroll 6
        for (int r = 0; r < R; r++) {
            __m512 a = _mm512_set1_ps(p[r * p_stride + j]);
#pragma GCC unroll 4
            for (int c = 0; c < C; c++) acc[r][c] = _mm512_fmadd_ps(a, b[c], acc[r][c]);
        }
    }
#pragma GCC unroll 6
    for (int r = 0; r < R; r++) {
        __m512 scale = _mm512_set1_ps(inv[r]);
#pragma GCC unroll 4
        for (int c = 0; c < C; c++)
            _mm512_mask_storeu_ps(out + r * out_stride + c * 16, c == C - 1 ? tail : (__mmask16)0xFFFF, _mm512_mul_ps(acc[r][c], scale));
    }
}

// out[r][c·16 + i] = bf16((Σ_j p[r][j] · v[j][c·16 + i]) · inv[r])    (bfloat16 pairs of keys, float32 accumulation)
ALWAYS_INLINE void context_tile_bf16(const uint16_t* p, int64_t p_stride, const uint16_t* vp, int64_t d, int64_t tk,
                                     const float* inv, uint16_t* out, int64_t out_stride, __mmask16 tail, const int R, const int C) {
    // two bf16 lanes (a key pair) per output column; tail is always the low n columns
    const int tail_columns = __builtin_popcount(tail);
    const __mmask32 tail_pairs = tail_columns >= 16 ? (__mmask32)0xFFFFFFFFu : (__mmask32)((1u << (2 * tail_columns)) - 1);
    __m512 acc[MAX_ROWS][MAX_COLS];
#pragma GCC unroll 6
    for (int r = 0; r < R; r++)
#pragma GCC unroll 4
        for (int c = 0; c < C; c++) acc[r][c] = _mm512_setzero_ps();
    for (int64_t j = 0; j < tk; j += 2) {
        __m512i b[MAX_COLS];
#pragma GCC unroll 4
        for (int c = 0; c < C; c++)
            b[c] = _mm512_maskz_loadu_epi16(c == C - 1 ? tail_pairs : (__mmask32)0xFFFFFFFFu, vp + (j / 2) * d * 2 + c * 32);
#pragma GCC unroll 6
        for (int r = 0; r < R; r++) {
            int32_t pair;
            memcpy(&pair, p + r * p_stride + j, sizeof pair);
            __m512i a = _mm512_set1_epi32(pair);
#pragma GCC unroll 4
            for (int c = 0; c < C; c++) acc[r][c] = _mm512_dpbf16_ps(acc[r][c], (__m512bh)a, (__m512bh)b[c]);
        }
    }
#pragma GCC unroll 6
    for (int r = 0; r < R; r++) {
        __m512 scale = _mm512_set1_ps(inv[r]);
#pragma GCC unroll 4
        for (int c = 0; c < C; c++)
            _mm256_mask_storeu_epi16(out + r * out_stride + c * 16, c == C - 1 ? tail : (__mmask16)0xFFFF,
                                     (__m256i)_mm512_cvtneps_pbh(_mm512_mul_ps(acc[r][c], scale)));
    }
}

// Dispatch to the specialised tiles: R in 1..6 rows, C in 1..4 vectors.
#define DISPATCH_ROWS(CALL, R_VALUE, C)                 \
    switch (R_VALUE) {                                  \
        case 6: CALL(6, C); break;                      \
        case 5: CALL(5, C); break;                      \
        case 4: CALL(4, C); break;                      \
        case 3: CALL(3, C); break;                      \
        case 2: CALL(2, C); break;                      \
        default: CALL(1, C); break;                     \
    }
#define DISPATCH(CALL, R_VALUE, C_VALUE)                \
    switch (C_VALUE) {                                  \
        case 4: DISPATCH_ROWS(CALL, R_VALUE, 4); break; \
        case 3: DISPATCH_ROWS(CALL, R_VALUE, 3); break; \
        case 2: DISPATCH_ROWS(CALL, R_VALUE, 2); break; \
        default: DISPATCH_ROWS(CALL, R_VALUE, 1); break;\
    }

// ---------------------------------------------------------------------------------------------------------------
// Softmax numerators of one row of scaled scores, in place: adds the mask (then the row maximum is recomputed; else
// row_max already holds the lane-wise maximum from the score tiles), exp(x − max) over the tk valid keys; returns 1/Σ.
// With bf16 output the numerators go (rounded) to p_bf16, zero-padded to an even length.

ALWAYS_INLINE float softmax_row(float* s, int64_t tk, __m512 lane_max, const float* mask, int64_t mask_stride, uint16_t* p_bf16,
                                const int degree) {
    if (mask) {
        lane_max = _mm512_set1_ps(-INFINITY);
        for (int64_t j = 0; j < tk; j += 16) {
            __mmask16 m = tk - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (tk - j)) - 1);
            __m512 add;
            if (mask_stride == 1) {
                add = _mm512_maskz_loadu_ps(m, mask + j);
            } else {
                float tmp[16] = {0};
                for (int64_t i = 0; i < 16 && j + i < tk; i++) tmp[i] = mask[(j + i) * mask_stride];
                add = _mm512_loadu_ps(tmp);
            }
            __m512 x = _mm512_add_ps(_mm512_maskz_loadu_ps(m, s + j), add);
            _mm512_mask_storeu_ps(s + j, m, x);
            lane_max = _mm512_mask_max_ps(lane_max, m, lane_max, x);
        }
    }
    const __m512 row_max = _mm512_set1_ps(_mm512_reduce_max_ps(lane_max));
    __m512 vsum = _mm512_setzero_ps();
    int64_t j = 0;
    for (; j + 16 <= tk; j += 16) {
        __m512 e = exp512(_mm512_sub_ps(_mm512_load_ps(s + j), row_max), degree);
        if (p_bf16) {
            _mm256_storeu_si256((__m256i*)(p_bf16 + j), (__m256i)_mm512_cvtneps_pbh(e));
        } else {
            _mm512_store_ps(s + j, e);
        }
        vsum = _mm512_add_ps(vsum, e);
    }
    if (j < tk) {
        __mmask16 m = (__mmask16)((1u << (tk - j)) - 1);
        __m512 e = _mm512_maskz_mov_ps(m, exp512(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, s + j), row_max), degree));
        if (p_bf16) {
            _mm256_mask_storeu_epi16(p_bf16 + j, m, (__m256i)_mm512_cvtneps_pbh(e));
        } else {
            _mm512_mask_storeu_ps(s + j, m, e);
        }
        vsum = _mm512_add_ps(vsum, e);
    }
    if (p_bf16 && (tk & 1)) p_bf16[tk] = 0;
    return 1.0f / _mm512_reduce_add_ps(vsum);
}

// ---------------------------------------------------------------------------------------------------------------

typedef struct {
    int dtype;
    int64_t batch, heads, tq, tk, d;
    const char *q, *k, *v;
    char* out;
    const int64_t *qs, *ks, *vs, *os, *ms;  // element strides: batch, head, token, (feature = 1)
    const float* mask;
    float scale;
    void* packed_keys;    // [batch·heads][key blocks][…]
    void* packed_values;  // [batch·heads][keys][d] (float32) or [batch·heads][keys/2][d][2] (bfloat16)
    int64_t key_blocks;
} problem_t;

static void query_block(const problem_t* pr, int64_t b, int64_t h, int64_t row0, int64_t rows) {
    const int64_t d = pr->d, tk = pr->tk;
    const int64_t padded = pr->key_blocks * 16;
    const size_t element = pr->dtype == DTYPE_FLOAT32 ? 4 : 2;
    const int64_t bh = b * pr->heads + h;
    thread_scratch_t* scratch = thread_scratch();
    if (!scratch) return;  // reported by the caller: its own check of the same allocation failed too
    float* s = scratch_get(&scratch->scores, (size_t)QUERY_BLOCK * padded * sizeof(float));
    uint16_t* p16 = pr->dtype == DTYPE_BFLOAT16
                        ? scratch_get(&scratch->probabilities, (size_t)QUERY_BLOCK * (padded + 32) * sizeof(uint16_t))
                        : NULL;
    if (!s || (pr->dtype == DTYPE_BFLOAT16 && !p16)) return;  // reported by the caller through the sentinel
    const int64_t p16_stride = padded + 32;
    float inv[QUERY_BLOCK];
    __m512 row_max[QUERY_BLOCK];
    for (int64_t r = 0; r < rows; r++) row_max[r] = _mm512_set1_ps(-INFINITY);

    const char* q = pr->q + (b * pr->qs[0] + h * pr->qs[1] + row0 * pr->qs[2]) * element;
    const int64_t q_stride = pr->qs[2];

    // scores = q · kᵀ for the block's rows, 16·C keys at a time
    for (int64_t kb = 0; kb < pr->key_blocks; kb += MAX_COLS) {
        int cols = (int)(pr->key_blocks - kb < MAX_COLS ? pr->key_blocks - kb : MAX_COLS);
        int64_t last_keys = tk - (kb + cols - 1) * 16;
        __mmask16 last_mask = last_keys >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << last_keys) - 1);
        for (int64_t r = 0; r < rows; r += MAX_ROWS) {
            int rr = (int)(rows - r < MAX_ROWS ? rows - r : MAX_ROWS);
            if (pr->dtype == DTYPE_FLOAT32) {
                const float* kp = (const float*)pr->packed_keys + (bh * pr->key_blocks + kb) * d * 16;
#define CALL_SCORES_F32(R, C) scores_tile_f32((const float*)q + r * q_stride, q_stride, kp, d, s + r * padded + kb * 16, padded, pr->scale, last_mask, row_max + r, R, C)
                DISPATCH(CALL_SCORES_F32, rr, cols);
            } else {
                const uint16_t* kp = (const uint16_t*)pr->packed_keys + (bh * pr->key_blocks + kb) * d * 16;
#define CALL_SCORES_BF16(R, C) scores_tile_bf16((const uint16_t*)q + r * q_stride, q_stride, kp, d, s + r * padded + kb * 16, padded, pr->scale, last_mask, row_max + r, R, C)
                DISPATCH(CALL_SCORES_BF16, rr, cols);
            }
        }
    }

    // probabilities (unnormalised; 1/Σ is applied to the context)
    for (int64_t r = 0; r < rows; r++) {
        const float* mask_row = pr->mask ? pr->mask + b * pr->ms[0] + h * pr->ms[1] + (row0 + r) * pr->ms[2] : NULL;
        const int64_t mask_stride = pr->ms ? pr->ms[3] : 1;
        inv[r] = p16 ? softmax_row(s + r * padded, tk, row_max[r], mask_row, mask_stride, p16 + r * p16_stride, 5)
                     : softmax_row(s + r * padded, tk, row_max[r], mask_row, mask_stride, NULL, 7);
    }

    // context = p · v, 16·C features at a time
    const int64_t o_stride = pr->os[2];
    char* out = pr->out + (b * pr->os[0] + h * pr->os[1] + row0 * o_stride) * element;
    const int64_t vectors = (d + 15) / 16;
    for (int64_t f = 0; f < d; f += 16 * MAX_COLS) {
        int64_t first = f / 16;
        int cols = (int)(vectors - first < MAX_COLS ? vectors - first : MAX_COLS);
        int64_t last_columns = d - (first + cols - 1) * 16;
        __mmask16 tail = last_columns >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << last_columns) - 1);
        for (int64_t r = 0; r < rows; r += MAX_ROWS) {
            int rr = (int)(rows - r < MAX_ROWS ? rows - r : MAX_ROWS);
            if (pr->dtype == DTYPE_FLOAT32) {
                const float* v = (const float*)pr->packed_values + bh * tk * d + f;
#define CALL_CONTEXT_F32(R, C) context_tile_f32(s + r * padded, padded, v, d, tk, inv + r, (float*)out + r * o_stride + f, o_stride, tail, R, C)
                DISPATCH(CALL_CONTEXT_F32, rr, cols);
            } else {
                const uint16_t* vp = (const uint16_t*)pr->packed_values + bh * ((tk + 1) / 2) * d * 2 + f * 2;
#define CALL_CONTEXT_BF16(R, C) context_tile_bf16(p16 + r * p16_stride, p16_stride, vp, d, tk, inv + r, (uint16_t*)out + r * o_stride + f, o_stride, tail, R, C)
                DISPATCH(CALL_CONTEXT_BF16, rr, cols);
            }
        }
    }
}

/// out = softmax(q·kᵀ·scale + mask)·v. Strides are in elements: [batch, head, token] (features contiguous). mask is
/// float32 with strides [batch, head, query, key] (0 for broadcast dimensions) or NULL. Returns STATUS_*.
EXPORT int sharpvl_attention(int dtype, int threads, int64_t batch, int64_t heads, int64_t tq, int64_t tk, int64_t d,
                             const void* q, const int64_t* q_strides, const void* k, const int64_t* k_strides,
                             const void* v, const int64_t* v_strides, void* out, const int64_t* out_strides,
                             const float* mask, const int64_t* mask_strides, float scale) {
    int caps = sharpvl_attention_capabilities();
    if ((dtype == DTYPE_FLOAT32 && !(caps & 1)) || (dtype == DTYPE_BFLOAT16 && !(caps & 2)) ||
        (dtype != DTYPE_FLOAT32 && dtype != DTYPE_BFLOAT16) || d <= 0 || (dtype == DTYPE_BFLOAT16 && d % 2 != 0) || d > 1024 || tk <= 0 ||
        tq <= 0 || batch <= 0 || heads <= 0)
        return STATUS_UNSUPPORTED;

    problem_t pr = {dtype, batch, heads, tq, tk, d, q, k, v, out, q_strides, k_strides, v_strides, out_strides,
                    mask_strides, mask, scale, NULL, NULL, (tk + 15) / 16};
    const size_t element = dtype == DTYPE_FLOAT32 ? 4 : 2;
    const int64_t bh_count = batch * heads;
    const size_t keys_per_head = (size_t)pr.key_blocks * d * 16;
    thread_scratch_t* caller = thread_scratch();
    if (!caller) return STATUS_OUT_OF_MEMORY;
    pr.packed_keys = scratch_get(&caller->packed_keys, bh_count * keys_per_head * element);
    const size_t values_per_head = dtype == DTYPE_FLOAT32 ? (size_t)tk * d : (size_t)((tk + 1) / 2) * d * 2;
    pr.packed_values = scratch_get(&caller->packed_values, bh_count * values_per_head * element);
    if (!pr.packed_keys || !pr.packed_values) return STATUS_OUT_OF_MEMORY;

    const int64_t query_blocks = (tq + QUERY_BLOCK - 1) / QUERY_BLOCK;
    int failed = 0;
#pragma omp parallel num_threads(threads > 0 ? threads : 1) reduction(| : failed)
    {
#pragma omp for schedule(static)
        for (int64_t bh = 0; bh < bh_count; bh++) {
            int64_t b = bh / heads, h = bh % heads;
            if (dtype == DTYPE_FLOAT32) {
                pack_keys_f32((const float*)k + b * k_strides[0] + h * k_strides[1], k_strides[2], tk, d,
                              (float*)pr.packed_keys + bh * keys_per_head);
                const float* values = (const float*)v + b * v_strides[0] + h * v_strides[1];
                float* packed = (float*)pr.packed_values + bh * values_per_head;
                for (int64_t j = 0; j < tk; j++) memcpy(packed + j * d, values + j * v_strides[2], (size_t)d * sizeof(float));
            } else {
                pack_keys_bf16((const uint16_t*)k + b * k_strides[0] + h * k_strides[1], k_strides[2], tk, d,
                               (uint16_t*)pr.packed_keys + bh * keys_per_head);
                pack_values_bf16((const uint16_t*)v + b * v_strides[0] + h * v_strides[1], v_strides[2], tk, d,
                                 (uint16_t*)pr.packed_values + bh * values_per_head);
            }
        }
        // every thread needs its scratch before the products: an allocation failure is reported, not skipped over
        const int64_t padded = pr.key_blocks * 16;
        thread_scratch_t* mine = thread_scratch();
        if (!mine || !scratch_get(&mine->scores, (size_t)QUERY_BLOCK * padded * sizeof(float)) ||
            (dtype == DTYPE_BFLOAT16 &&
             !scratch_get(&mine->probabilities, (size_t)QUERY_BLOCK * (padded + 32) * sizeof(uint16_t))))
            failed = 1;
#pragma omp for schedule(dynamic, 1) collapse(2)
        for (int64_t bh = 0; bh < bh_count; bh++)
            for (int64_t qb = 0; qb < query_blocks; qb++) {
                if (failed) continue;
                int64_t row0 = qb * QUERY_BLOCK;
                int64_t rows = tq - row0 < QUERY_BLOCK ? tq - row0 : QUERY_BLOCK;
                query_block(&pr, bh / heads, bh % heads, row0, rows);
            }
    }
    return failed ? STATUS_OUT_OF_MEMORY : STATUS_OK;
}
