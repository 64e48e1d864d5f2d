package inference

import (
	"context"
	"encoding/base64"
)

// AudioClassification labels a sound (speech emotion, language, music
// genre...), best label first.
func (c *Client) AudioClassification(ctx context.Context, audio Media, p *AudioClassificationParameters, opts ...CallOption) ([]AudioClassificationOutputElement, error) {
	return runList[AudioClassificationOutputElement](ctx, c, TaskAudioClassification, taskInput{media: &audio}, p, opts)
}

// AutomaticSpeechRecognition transcribes speech.
func (c *Client) AutomaticSpeechRecognition(ctx context.Context, audio Media, p *AutomaticSpeechRecognitionParameters, opts ...CallOption) (*AutomaticSpeechRecognitionOutput, error) {
	return runOne[AutomaticSpeechRecognitionOutput](ctx, c, TaskAutomaticSpeechRecognition, taskInput{media: &audio}, p, opts)
}

// TextToSpeech reads text aloud and returns the sound.
func (c *Client) TextToSpeech(ctx context.Context, text string, p *TextToSpeechParameters, opts ...CallOption) (*Blob, error) {
	return c.runBlob(ctx, TaskTextToSpeech, taskInput{inputs: text}, p, opts)
}

// TextToAudio generates a sound from text (music, sound effects) and
// returns it.
func (c *Client) TextToAudio(ctx context.Context, text string, p *TextToAudioParameters, opts ...CallOption) (*Blob, error) {
	return c.runBlob(ctx, TaskTextToAudio, taskInput{inputs: text}, p, opts)
}

// AudioToAudioOutput is one sound produced by an audio-to-audio model
// (a separated source, an enhanced recording), with its label.
type AudioToAudioOutput struct {
	Label string
	Blob
}

// AudioToAudio transforms a sound (source separation, speech enhancement)
// into one or more sounds.
func (c *Client) AudioToAudio(ctx context.Context, audio Media, opts ...CallOption) ([]AudioToAudioOutput, error) {
	tc, r, err := c.call(ctx, TaskAudioToAudio, taskInput{media: &audio}, nil, opts)
	if err != nil {
		return nil, err
	}
	var wire []struct {
		Label       string `json:"label"`
		ContentType string `json:"content-type"`
		Blob        string `json:"blob"`
	}
	if err := tc.decodeJSON(r, &wire); err != nil {
		return nil, err
	}
	out := make([]AudioToAudioOutput, len(wire))
	for i, w := range wire {
		b, err := base64.StdEncoding.DecodeString(w.Blob)
		if err != nil {
			return nil, tc.unexpected(r, "blob of "+w.Label+" is not base64")
		}
		out[i] = AudioToAudioOutput{Label: w.Label, Blob: Blob{Data: b, ContentType: w.ContentType}}
	}
	return out, nil
}
