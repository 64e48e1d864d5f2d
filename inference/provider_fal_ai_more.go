package inference

import (
	"context"
	"encoding/base64"
	"net/url"
	"strings"
)

// This file holds fal's sound tasks (text-to-audio, audio-to-audio) and
// its image+text tasks, whose image may be left out.

// falAudioResult downloads the sound of a text-to-audio result, found
// under audio_file or audio.
func falAudioResult(ctx context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error) {
	var out struct {
		AudioFile map[string]any `json:"audio_file"`
		Audio     map[string]any `json:"audio"`
	}
	if err := tc.decodeJSON(r, &out); err != nil {
		return nil, err
	}
	link, _ := out.AudioFile["url"].(string)
	if link == "" {
		link, _ = out.Audio["url"].(string)
	}
	if link == "" {
		return nil, tc.unexpected(r, "no audio_file or audio URL in fal's result")
	}
	return tc.fetchResult(ctx, link)
}

// falAudioToAudioBody is {"audio_url": URL, ...parameters}, the sound as
// its URL or as a data URL labelled for fal's decoder.
func falAudioToAudioBody(tc *taskCall) (map[string]any, error) {
	if err := needMedia(tc); err != nil {
		return nil, err
	}
	return withParams(tc, map[string]any{"audio_url": falAudioURL(tc.media)}), nil
}

// falAudioToAudioResult downloads the sound of {"audio": {"url",
// "content_type"}, "text"} and returns it in the hf-inference shape of the
// task: one element labelled with the text fal gives, else "speech".
func falAudioToAudioResult(ctx context.Context, tc *taskCall, r *rawResponse) (*rawResponse, error) {
	var out struct {
		Audio struct {
			URL         string `json:"url"`
			ContentType string `json:"content_type"`
		} `json:"audio"`
		Text string `json:"text"`
	}
	if err := tc.decodeJSON(r, &out); err != nil {
		return nil, err
	}
	if out.Audio.URL == "" {
		return nil, tc.unexpected(r, "no audio URL in fal's result")
	}
	sound, err := tc.fetchResult(ctx, out.Audio.URL)
	if err != nil {
		return nil, err
	}
	ct := firstNonEmpty(out.Audio.ContentType, sound.contentType, "audio/wav")
	label := firstNonEmpty(out.Text, "speech")
	return jsonResult([]map[string]string{{
		"blob": base64.StdEncoding.EncodeToString(sound.data), "content-type": ct, "label": label,
	}})
}

// falImageTextToImageBody is the image-to-image body when an image is
// given, else the parameters alone (the prompt among them).
func falImageTextToImageBody(tc *taskCall) (map[string]any, error) {
	if tc.media != nil {
		return falImageToImageBody(tc)
	}
	m := withParams(tc, map[string]any{})
	return falImageSize(m), nil
}

// falImageTextToVideoBody is the image-to-video body when an image is
// given, else the parameters alone (the prompt among them).
func falImageTextToVideoBody(tc *taskCall) (map[string]any, error) {
	if tc.media != nil {
		return falImageToVideoBody(tc)
	}
	return withParams(tc, map[string]any{}), nil
}

// falImageOptional makes a call without an image go to the app's
// text-only endpoint when fal is called directly: some fal apps serve the
// image+text variant one path segment deeper (fal-ai/flux-2/edit beside
// fal-ai/flux-2). Through the router the path is the mapped model id the
// router resolves, so it stays.
func falImageOptional(h *taskHelper) *taskHelper {
	h.postURL = func(tc *taskCall) string {
		if tc.media != nil || !tc.target.direct {
			return tc.target.url
		}
		u, err := url.Parse(tc.target.url)
		if err != nil {
			return tc.target.url
		}
		if i := strings.LastIndex(u.Path, "/"); i > 0 {
			u.Path, u.RawPath = u.Path[:i], ""
		}
		return u.String()
	}
	return h
}
